import DroverEngine
import Testing

@Suite("lineinfile: content edits")
struct LineInFileEditTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let before: String?
        let edit: LineInFileEdit
        let after: String
        let changed: Bool
        let msg: String
        let found: Int?
        init(_ name: String, _ before: String?, _ edit: LineInFileEdit, _ after: String, _ changed: Bool, _ msg: String, found: Int? = nil) {
            (self.name, self.before, self.edit, self.after, self.changed, self.msg, self.found) = (name, before, edit, after, changed, msg, found)
        }
        var testDescription: String { name }
    }

    /// Recorded from ansible-core 2.19.14: each case ran as an
    /// `ansible.builtin.lineinfile` task on a temp file holding `before`
    /// (nil: no file, with `create: true` for state=present); `after` is the
    /// file afterwards ("" when there was none), with the task's changed, msg and found.
    static let recorded: [Case] = [
        Case("appends at EOF by default",
             "a\nb\n", LineInFileEdit(line: "c"),
             "a\nb\nc\n", true, "line added"),
        Case("line already present",
             "a\nb\nc\n", LineInFileEdit(line: "b"),
             "a\nb\nc\n", false, ""),
        Case("present as unterminated last line gets its newline",
             "a\nb", LineInFileEdit(line: "b"),
             "a\nb\n", true, "line replaced"),
        Case("appends after an unterminated last line",
             "a\nb", LineInFileEdit(line: "c"),
             "a\nb\nc\n", true, "line added"),
        Case("empty file",
             "", LineInFileEdit(line: "x"),
             "x\n", true, "line added"),
        Case("missing file with create",
             nil, LineInFileEdit(line: "x"),
             "x\n", true, "line added"),
        Case("regexp replaces the last match",
             "x=1\ny\nx=2\nz\n", LineInFileEdit(line: "x=9", regexp: "^x="),
             "x=1\ny\nx=9\nz\n", true, "line replaced"),
        Case("regexp with firstmatch replaces the first match",
             "x=1\ny\nx=2\nz\n", LineInFileEdit(line: "x=9", regexp: "^x=", firstMatch: true),
             "x=9\ny\nx=2\nz\n", true, "line replaced"),
        Case("regexp without match appends",
             "a\nb\n", LineInFileEdit(line: "x=9", regexp: "^x="),
             "a\nb\nx=9\n", true, "line added"),
        Case("regexp without match uses insertafter",
             "a\nb\nc\n", LineInFileEdit(line: "x=9", regexp: "^x=", insertAfter: "^a"),
             "a\nx=9\nb\nc\n", true, "line added"),
        Case("regexp match wins over insertafter",
             "a\nx=1\nc\n", LineInFileEdit(line: "x=9", regexp: "^x=", insertAfter: "^c"),
             "a\nx=9\nc\n", true, "line replaced"),
        Case("regexp match already equal",
             "a\nx=9\nc\n", LineInFileEdit(line: "x=9", regexp: "^x="),
             "a\nx=9\nc\n", false, ""),
        Case("regexp $ matches before the newline",
             "port=80\nother\n", LineInFileEdit(line: "port=8080", regexp: "port=80$"),
             "port=8080\nother\n", true, "line replaced"),
        Case("backrefs expand groups",
             "name=web\nport=80\n", LineInFileEdit(line: "\\1: \\2", regexp: "^(\\w+)=(\\d+)$", backrefs: true),
             "name=web\nport: 80\n", true, "line replaced"),
        Case("backrefs named group",
             "user alice\n", LineInFileEdit(line: "owner \\g<who>", regexp: "^user (?P<who>\\w+)$", backrefs: true),
             "owner alice\n", true, "line replaced"),
        Case("backrefs without match leaves the file alone",
             "a\nb\n", LineInFileEdit(line: "y\\1", regexp: "^zzz(.*)$", backrefs: true),
             "a\nb\n", false, ""),
        Case("backrefs result already equal",
             "k = v\n", LineInFileEdit(line: "\\1 = \\2", regexp: "^(k) = (v)$", backrefs: true),
             "k = v\n", false, ""),
        Case("backrefs unmatched optional group is empty",
             "key\n", LineInFileEdit(line: "\\1\\2=on", regexp: "^(key)(=\\w+)?$", backrefs: true),
             "key=on\n", true, "line replaced"),
        Case("insertafter uses the last match",
             "a\n#x\nb\n#x\nc\n", LineInFileEdit(line: "NEW", insertAfter: "^#x"),
             "a\n#x\nb\n#x\nNEW\nc\n", true, "line added"),
        Case("insertafter with firstmatch uses the first match",
             "a\n#x\nb\n#x\nc\n", LineInFileEdit(line: "NEW", insertAfter: "^#x", firstMatch: true),
             "a\n#x\nNEW\nb\n#x\nc\n", true, "line added"),
        Case("insertbefore uses the last match",
             "a\n#x\nb\n#x\nc\n", LineInFileEdit(line: "NEW", insertBefore: "^#x"),
             "a\n#x\nb\nNEW\n#x\nc\n", true, "line added"),
        Case("insertbefore with firstmatch uses the first match",
             "a\n#x\nb\n#x\nc\n", LineInFileEdit(line: "NEW", insertBefore: "^#x", firstMatch: true),
             "a\nNEW\n#x\nb\n#x\nc\n", true, "line added"),
        Case("insertbefore BOF",
             "a\nb\n", LineInFileEdit(line: "first", insertBefore: "BOF"),
             "first\na\nb\n", true, "line added"),
        Case("insertafter BOF",
             "a\nb\n", LineInFileEdit(line: "first", insertAfter: "BOF"),
             "first\na\nb\n", true, "line added"),
        Case("insertafter EOF",
             "a\nb\n", LineInFileEdit(line: "last", insertAfter: "EOF"),
             "a\nb\nlast\n", true, "line added"),
        Case("insertafter without match appends",
             "a\nb\n", LineInFileEdit(line: "new", insertAfter: "^zzz"),
             "a\nb\nnew\n", true, "line added"),
        Case("insertbefore without match appends",
             "a\nb\n", LineInFileEdit(line: "new", insertBefore: "^zzz"),
             "a\nb\nnew\n", true, "line added"),
        Case("insertafter the last line",
             "a\nb\n", LineInFileEdit(line: "new", insertAfter: "^b"),
             "a\nb\nnew\n", true, "line added"),
        Case("insertbefore the first line",
             "a\nb\n", LineInFileEdit(line: "new", insertBefore: "^a"),
             "new\na\nb\n", true, "line added"),
        Case("insertafter when the line exists elsewhere",
             "a\nb\nnew\n", LineInFileEdit(line: "new", insertAfter: "^a"),
             "a\nb\nnew\n", false, ""),
        Case("insertafter firstmatch stops before seeing the existing line",
             "a\nX\nb\nNEW\n", LineInFileEdit(line: "NEW", insertAfter: "^X", firstMatch: true),
             "a\nX\nNEW\nb\nNEW\n", true, "line added"),
        Case("insertafter regex matching the wanted line's prefix",
             "x=2\n", LineInFileEdit(line: "x=1", insertAfter: "^x"),
             "x=2\nx=1\n", true, "line added"),
        Case("insertbefore BOF ignored when regexp matches",
             "a\nx=1\n", LineInFileEdit(line: "x=2", regexp: "^x=", insertBefore: "BOF"),
             "a\nx=2\n", true, "line replaced"),
        Case("search_string replaces the last line containing it",
             "foo bar\nbaz\nbar end\n", LineInFileEdit(line: "qux", searchString: "bar"),
             "foo bar\nbaz\nqux\n", true, "line replaced"),
        Case("search_string with firstmatch",
             "foo bar\nbaz\nbar end\n", LineInFileEdit(line: "qux", searchString: "bar", firstMatch: true),
             "qux\nbaz\nbar end\n", true, "line replaced"),
        Case("search_string is literal",
             "a.b\naxb\n", LineInFileEdit(line: "dot", searchString: "a.b"),
             "dot\naxb\n", true, "line replaced"),
        Case("search_string without match appends",
             "a\nb\n", LineInFileEdit(line: "new", searchString: "zzz"),
             "a\nb\nnew\n", true, "line added"),
        Case("empty regexp matches every line (warning)",
             "a\nb\n", LineInFileEdit(line: "new", regexp: ""),
             "a\nnew\n", true, "line replaced"),
        Case("CRLF line replaced with LF ending",
             "a\r\nx=1\r\nb\r\n", LineInFileEdit(line: "x=2", regexp: "^x="),
             "a\r\nx=2\nb\r\n", true, "line replaced"),
        Case("CRLF exact line counts as present",
             "a\r\nb\r\n", LineInFileEdit(line: "a"),
             "a\nb\r\n", true, "line replaced"),
        Case("unicode",
             "héllo\nwörld\n", LineInFileEdit(line: "wørld ✓", regexp: "^w"),
             "héllo\nwørld ✓\n", true, "line replaced"),
        Case("missing file with create and insertbefore BOF",
             nil, LineInFileEdit(line: "x", insertBefore: "BOF"),
             "x\n", true, "line added"),
        Case("absent removes every equal line",
             "a\nb\na\nc\n", LineInFileEdit(line: "a", state: .absent),
             "b\nc\n", true, "2 line(s) removed", found: 2),
        Case("absent by regexp",
             "# c1\nx\n  # c2\ny\n", LineInFileEdit(regexp: "^\\s*#", state: .absent),
             "x\ny\n", true, "2 line(s) removed", found: 2),
        Case("absent by search_string",
             "keep\ndrop me\nalso drop\n", LineInFileEdit(searchString: "drop", state: .absent),
             "keep\n", true, "2 line(s) removed", found: 2),
        Case("absent without match",
             "a\nb\n", LineInFileEdit(line: "zzz", state: .absent),
             "a\nb\n", false, "", found: 0),
        Case("absent on a missing file",
             nil, LineInFileEdit(line: "a", state: .absent),
             "", false, "file not present"),
        Case("absent ignores CR LF line ends",
             "a\r\nb\na", LineInFileEdit(line: "a", state: .absent),
             "b\n", true, "2 line(s) removed", found: 2),
        Case("absent regexp wins over line",
             "a\nb\n", LineInFileEdit(line: "a", regexp: "^b", state: .absent),
             "a\n", true, "1 line(s) removed", found: 1),
    ]

    @Test("matches ansible-core 2.19.14", arguments: recorded)
    func recordedCase(_ c: Case) throws {
        let result = try c.edit.apply(to: c.before)
        #expect(result.content == c.after)
        #expect(result.changed == c.changed)
        #expect(result.message == c.msg)
        #expect(result.found == c.found)
        if let before = c.before {
            #expect(result.changed != before.utf8.elementsEqual(result.content.utf8))
        }
    }

    @Test("warns about an empty regexp or search_string, with Ansible's text")
    func emptyPatternWarnings() throws {
        // Recorded from ansible-core 2.19.14.
        let regexp = try LineInFileEdit(line: "new", regexp: "").apply(to: "a\nb\n")
        #expect(regexp.warnings == ["The regular expression is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending. If this is desired, use '^' to match every line in the file and avoid this warning."])
        let search = try LineInFileEdit(line: "x", searchString: "").apply(to: "a\nb\n")
        #expect(search.content == "a\nx\n")
        #expect(search.warnings == ["The search string is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending."])
        #expect(try LineInFileEdit(line: "x").apply(to: "").warnings.isEmpty)
    }

    @Test("insertafter matching an unterminated last line ends it first (Ansible glues the lines: deliberate difference)")
    func unterminatedInsertAfter() throws {
        // ansible-core 2.19.14 turns "a\nb" into "a\nbc\n" here.
        let result = try LineInFileEdit(line: "c", insertAfter: "^b").apply(to: "a\nb")
        #expect(result == TextEditResult(content: "a\nb\nc\n", changed: true, message: "line added"))
        #expect(try LineInFileEdit(line: "c", insertAfter: "^b").apply(to: "a\nb\n").content == "a\nb\nc\n")
    }

    @Test("backrefs with a bad group: an error only when the regexp matched (as Ansible)")
    func backrefsBadGroup() throws {
        let edit = LineInFileEdit(line: "\\2", regexp: "^(a)", backrefs: true)
        let error = #expect(throws: TextEditError.self) { try edit.apply(to: "a\n") }
        #expect(error?.code == .invalidReplacement)
        #expect(error?.argument == "line")
        #expect(error?.message.contains("group 2") == true)
        // No match: Ansible never expands the line, so nothing fails and nothing changes.
        #expect(try edit.apply(to: "b\n") == TextEditResult(content: "b\n", changed: false, message: ""))
    }

    @Test("argument errors name the argument and the fix", arguments: [
        (LineInFileEdit(line: "x", regexp: "(a"), TextEditError.Code.invalidRegex, "regexp"),
        (LineInFileEdit(line: "x", insertAfter: "[z"), .invalidRegex, "insertafter"),
        (LineInFileEdit(line: "x", insertBefore: "a)"), .invalidRegex, "insertbefore"),
        (LineInFileEdit(line: "x", regexp: "(a", state: .absent), .invalidRegex, "regexp"),
        (LineInFileEdit(line: "x", insertAfter: "^a", insertBefore: "^b"), .conflictingArguments, "insertbefore"),
        (LineInFileEdit(line: "x", regexp: "a", searchString: "a"), .conflictingArguments, "regexp"),
        (LineInFileEdit(line: "x", searchString: "a", backrefs: true), .conflictingArguments, "backrefs"),
        (LineInFileEdit(line: "x", backrefs: true), .missingArgument, "regexp"),
        (LineInFileEdit(regexp: "a"), .missingArgument, "line"),
        (LineInFileEdit(state: .absent), .missingArgument, "line"),
    ])
    func argumentErrors(edit: LineInFileEdit, code: TextEditError.Code, argument: String) {
        let error = #expect(throws: TextEditError.self) { try edit.apply(to: "a\n") }
        #expect(error?.code == code)
        #expect(error?.argument == argument)
        #expect(error?.message.contains(argument) == true)
    }

    @Test("an invalid regexp message quotes the pattern and says to check the syntax")
    func invalidRegexMessage() {
        let error = #expect(throws: TextEditError.self) { try LineInFileEdit(line: "x", regexp: "(a").apply(to: "") }
        #expect(error?.message == "regexp '(a' is not a valid regular expression: check its syntax (Python 're' syntax; escape literal characters such as '(', '[', '*', '+', '?' with a backslash)")
    }

    @Test("absent on a missing file with an invalid regexp does not fail (Ansible reads the file first)")
    func absentMissingFile() throws {
        #expect(try LineInFileEdit(regexp: "(a", state: .absent).apply(to: nil)
                == TextEditResult(content: "", changed: false, message: "file not present"))
    }

    @Test("every line ending and position: the result is idempotent for plain lines")
    func idempotentPlainLine() throws {
        for before in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "x\nx\n", "\n\n"] {
            for edit in [LineInFileEdit(line: "x"), LineInFileEdit(line: "x", insertBefore: "BOF"),
                         LineInFileEdit(line: "x", regexp: "^x"), LineInFileEdit(line: "x", searchString: "x")] {
                let once = try edit.apply(to: before)
                let twice = try edit.apply(to: once.content)
                #expect(!twice.changed, "\(edit) on \(before.debugDescription)")
            }
        }
    }
}
