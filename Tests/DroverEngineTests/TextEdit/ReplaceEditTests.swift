import DroverEngine
import Testing

@Suite("replace: content edits")
struct ReplaceEditTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let before: String
        let edit: ReplaceEdit
        let after: String
        let changed: Bool
        let msg: String
        init(_ name: String, _ before: String?, _ edit: ReplaceEdit, _ after: String, _ changed: Bool, _ msg: String) {
            (self.name, self.before, self.edit, self.after, self.changed, self.msg) = (name, before ?? "", edit, after, changed, msg)
        }
        var testDescription: String { name }
    }

    /// Recorded from ansible-core 2.19.14: each case ran as an
    /// `ansible.builtin.replace` task on a temp file holding `before`;
    /// `after` is the file afterwards, with the task's changed and msg.
    static let recorded: [Case] = [
        Case("replaces every match",
             "foo\nbar foo\n", ReplaceEdit(regexp: "foo", replace: "baz"),
             "baz\nbar baz\n", true, "2 replacements made"),
        Case("no match",
             "a\nb\n", ReplaceEdit(regexp: "zzz", replace: "y"),
             "a\nb\n", false, ""),
        Case("matches but nothing changes",
             "aaa\n", ReplaceEdit(regexp: "a", replace: "a"),
             "aaa\n", false, ""),
        Case("identical replacements still counted",
             "ab\n", ReplaceEdit(regexp: "(a|b)", replace: "a"),
             "aa\n", true, "2 replacements made"),
        Case("backreferences",
             "host1 old.name x\n", ReplaceEdit(regexp: "(\\s+)old\\.name(\\s+.*)?$", replace: "\\1new.name\\2"),
             "host1 new.name x\n", true, "1 replacements made"),
        Case("named group",
             "v=1\n", ReplaceEdit(regexp: "v=(?P<n>\\d)", replace: "version=\\g<n>"),
             "version=1\n", true, "1 replacements made"),
        Case("caret matches each line and the end after the last newline",
             "a\nb\n", ReplaceEdit(regexp: "^", replace: "# "),
             "# a\n# b\n# ", true, "3 replacements made"),
        Case("^(.+)$ comments each line",
             "a\nb\n", ReplaceEdit(regexp: "^(.+)$", replace: "# \\1"),
             "# a\n# b\n", true, "2 replacements made"),
        Case("^(.*)$ also matches after the last newline",
             "a\nb\n", ReplaceEdit(regexp: "^(.*)$", replace: "# \\1"),
             "# a\n# b\n# ", true, "3 replacements made"),
        Case("$ at each line end",
             "a\nb\n", ReplaceEdit(regexp: "$", replace: ";"),
             "a;\nb;\n;", true, "3 replacements made"),
        Case("after",
             "keep\nMARK\nx\nx\n", ReplaceEdit(regexp: "^x$", replace: "y", after: "MARK"),
             "keep\nMARK\ny\ny\n", true, "2 replacements made"),
        Case("before",
             "x\nMARK\nx\n", ReplaceEdit(regexp: "^x$", replace: "y", before: "MARK"),
             "y\nMARK\nx\n", true, "1 replacements made"),
        Case("after and before",
             "x\n<a>\nx\n</a>\nx\n", ReplaceEdit(regexp: "^x$", replace: "y", after: "<a>", before: "</a>"),
             "x\n<a>\ny\n</a>\nx\n", true, "1 replacements made"),
        Case("after does not match",
             "a\n", ReplaceEdit(regexp: "a", replace: "b", after: "zzz"),
             "a\n", false, "Pattern for before/after params did not match the given file: zzz(?P<subsection>.*)"),
        Case("before does not match",
             "a\n", ReplaceEdit(regexp: "a", replace: "b", before: "zzz"),
             "a\n", false, "Pattern for before/after params did not match the given file: (?P<subsection>.*)zzz"),
        Case("after and before do not match",
             "a\n", ReplaceEdit(regexp: "a", replace: "b", after: "x", before: "y"),
             "a\n", false, "Pattern for before/after params did not match the given file: x(?P<subsection>.*?)y"),
        Case("after with (?m)",
             "<V *>\nx\n</V>\n<V *>\nx\n</V>\n", ReplaceEdit(regexp: "^x$", replace: "y", after: "(?m)^<V [*]>", before: "</V>"),
             "<V *>\ny\n</V>\n<V *>\nx\n</V>\n", true, "1 replacements made"),
        Case("after uses its first match and before its nearest",
             "x\nA\nx\nB\nx\nB\nx\n", ReplaceEdit(regexp: "^x$", replace: "y", after: "A", before: "B"),
             "x\nA\ny\nB\nx\nB\nx\n", true, "1 replacements made"),
        Case("before alone uses its last match",
             "x\nB\nx\nB\nx\n", ReplaceEdit(regexp: "^x$", replace: "y", before: "B"),
             "y\nB\ny\nB\nx\n", true, "2 replacements made"),
        Case("section start is ^ for the regexp",
             "line one\n", ReplaceEdit(regexp: "^one", replace: "two", after: "line "),
             "line two\n", true, "1 replacements made"),
        Case("delete whole lines",
             "keep\nold1\nkeep2\nold2\n", ReplaceEdit(regexp: "^old.*\\n"),
             "keep\nkeep2\n", true, "2 replacements made"),
        Case("dot does not match newline",
             "a\nb\n", ReplaceEdit(regexp: "a.b", replace: "X"),
             "a\nb\n", false, ""),
        Case("negated class matches newline",
             "x\ny#\n", ReplaceEdit(regexp: "x[^#]*", replace: "Z"),
             "Z#\n", true, "1 replacements made"),
        Case("\\s+ spans lines",
             "a \n  b\n", ReplaceEdit(regexp: "a\\s+b", replace: "a b"),
             "a b\n", true, "1 replacements made"),
        Case("escapes in replacement",
             "a,b\n", ReplaceEdit(regexp: ",", replace: "\\n"),
             "a\nb\n", true, "1 replacements made"),
        Case("literal backslash in replacement",
             "a/b\n", ReplaceEdit(regexp: "/", replace: "\\\\"),
             "a\\b\n", true, "1 replacements made"),
        Case("tab escape in replacement",
             "a b\n", ReplaceEdit(regexp: " ", replace: "\\t"),
             "a\tb\n", true, "1 replacements made"),
        Case("CRLF lines",
             "a\r\nb\r\n", ReplaceEdit(regexp: "^(.+)$", replace: "# \\1"),
             "# a\r\n# b\r\n", true, "2 replacements made"),
        Case("unicode",
             "café été\n", ReplaceEdit(regexp: "é", replace: "e"),
             "cafe ete\n", true, "3 replacements made"),
        Case("empty matches",
             "abxd\n", ReplaceEdit(regexp: "x*", replace: "-"),
             "-a-b--d-\n-", true, "6 replacements made"),
        Case("word boundary",
             "cat concat cat\n", ReplaceEdit(regexp: "\\bcat\\b", replace: "dog"),
             "dog concat dog\n", true, "2 replacements made"),
        Case("inline ignorecase",
             "Foo foo FOO\n", ReplaceEdit(regexp: "(?i)foo", replace: "bar"),
             "bar bar bar\n", true, "3 replacements made"),
        Case("unmatched group is empty",
             "k\nk=v\n", ReplaceEdit(regexp: "^(k)(=v)?$", replace: "[\\1\\2]"),
             "[k]\n[k=v]\n", true, "2 replacements made"),
        Case("empty file",
             "", ReplaceEdit(regexp: "a", replace: "b"),
             "", false, ""),
        Case("remove blank lines",
             "a\n\n  \nb\n", ReplaceEdit(regexp: "^\\s*$\\n", replace: ""),
             "a\nb\n", true, "1 replacements made"),
        Case("lookahead",
             "port 80\nport 8080\n", ReplaceEdit(regexp: "port (?=80$)", replace: "listen "),
             "listen 80\nport 8080\n", true, "1 replacements made"),
        Case("\\Z end anchor",
             "a\nb\n", ReplaceEdit(regexp: "b\\n\\Z", replace: "c\n"),
             "a\nc\n", true, "1 replacements made"),
        Case("default replace removes",
             "a # comment\nb\n", ReplaceEdit(regexp: "\\s*#.*$"),
             "a\nb\n", true, "1 replacements made"),
        Case("quantifier braces and literal braces",
             "x{1}\naa\n", ReplaceEdit(regexp: "a{2}|\\{1\\}", replace: "Q"),
             "xQ\nQ\n", true, "2 replacements made"),
    ]

    @Test("matches ansible-core 2.19.14", arguments: recorded)
    func recordedCase(_ c: Case) throws {
        let result = try c.edit.apply(to: c.before)
        #expect(result.content == c.after)
        #expect(result.changed == c.changed)
        #expect(result.message == c.msg)
    }

    @Test("an empty after or before does not restrict the region (Python truthiness), as in Ansible")
    func emptyAfter() throws {
        // Recorded from ansible-core 2.19.14.
        #expect(try ReplaceEdit(regexp: "a", replace: "b", after: "").apply(to: "a\n")
                == TextEditResult(content: "b\n", changed: true, message: "1 replacements made"))
    }

    @Test("replacement errors are raised even without a match, as Python's re.subn does", arguments: [
        ("(a)", "\\2", "group 2"),
        ("(z)", "\\2", "group 2"),
        ("a", "\\q", "bad escape"),
        ("(?P<x>a)", "\\g<y>", "unknown group name 'y'"),
        ("a", "\\g<1", "missing '<' or '>'"),
    ])
    func replacementErrors(regexp: String, replace: String, says: String) {
        let error = #expect(throws: TextEditError.self) { try ReplaceEdit(regexp: regexp, replace: replace).apply(to: "a\n") }
        #expect(error?.code == .invalidReplacement)
        #expect(error?.argument == "replace")
        #expect(error?.message.contains(says) == true, "\(error?.message ?? "")")
    }

    @Test("invalid patterns name their argument", arguments: [
        (ReplaceEdit(regexp: "(a"), "regexp"),
        (ReplaceEdit(regexp: "a", after: "[x"), "after"),
        (ReplaceEdit(regexp: "a", before: "x)"), "before"),
        (ReplaceEdit(regexp: "a", after: "x", before: "(y"), "before"),
        (ReplaceEdit(regexp: "a", after: "[x", before: "y"), "after"),
    ])
    func invalidPatterns(edit: ReplaceEdit, argument: String) {
        let error = #expect(throws: TextEditError.self) { try edit.apply(to: "a\n") }
        #expect(error?.code == .invalidRegex)
        #expect(error?.argument == argument)
        #expect(error?.message.contains("regular expression") == true)
        #expect(error?.message.hasPrefix(argument) == true)
    }

    @Test("the end-of-text ^ match is not doubled when ICU already found an empty match there")
    func caretAtEnd() throws {
        #expect(try ReplaceEdit(regexp: "^$", replace: "E").apply(to: "a\n\n").content == "a\nE\nE")
        #expect(try ReplaceEdit(regexp: "^", replace: "#").apply(to: "a").content == "#a")
        #expect(try ReplaceEdit(regexp: "\\Aa", replace: "b").apply(to: "a\n").content == "b\n")
        #expect(try ReplaceEdit(regexp: "^x", replace: "y").apply(to: "x\n").message == "1 replacements made")
    }
}
