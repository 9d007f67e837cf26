import DroverCore

/// Ansible's `lineinfile` as a pure function of the file content.
///
/// Lines are the file's `\n`-terminated lines (the last may lack its `\n`).
/// With `state: present`:
/// - `regexp` (searched in each line, newline included) or `search_string`
///   (a substring) selects the LAST matching line, or the first with
///   `firstMatch`; that line is replaced by `line` (expanded with the
///   match's groups when `backrefs`). Otherwise a line equal to `line`
///   (ignoring its line end) means nothing to do, except that a missing
///   final newline is added.
/// - With no such line, `line` is inserted after/before the last (first with
///   `firstMatch`) line matching `insertAfter`/`insertBefore`, at `BOF`, or
///   appended at `EOF` (the default, and the fallback when the insert
///   pattern matches nothing). `backrefs` without a match changes nothing.
///
/// With `state: absent`, every line matching `regexp`, containing
/// `searchString` or equal to `line` is removed.
public struct LineInFileEdit: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case present, absent
    }

    public var line: String?
    public var regexp: String?
    public var searchString: String?
    public var state: State
    /// `"EOF"`, `"BOF"` or a regular expression.
    public var insertAfter: String?
    /// `"BOF"` or a regular expression.
    public var insertBefore: String?
    public var backrefs: Bool
    public var firstMatch: Bool

    public init(
        line: String? = nil, regexp: String? = nil, searchString: String? = nil, state: State = .present,
        insertAfter: String? = nil, insertBefore: String? = nil, backrefs: Bool = false, firstMatch: Bool = false
    ) {
        self.line = line
        self.regexp = regexp
        self.searchString = searchString
        self.state = state
        self.insertAfter = insertAfter
        self.insertBefore = insertBefore
        self.backrefs = backrefs
        self.firstMatch = firstMatch
    }

    /// Computes the new content.
    ///
    /// `content` nil means the file does not exist: with `state: absent`
    /// nothing happens ("file not present"); with `state: present` the
    /// caller has already checked `create` and the edit starts from an empty
    /// file.
    public func apply(to content: String?) throws(TextEditError) -> TextEditResult {
        try validate()
        let warnings = emptyPatternWarnings()
        switch state {
        case .absent:
            guard let content else {
                return TextEditResult(content: "", changed: false, message: "file not present", warnings: warnings)
            }
            return try remove(from: content, warnings: warnings)
        case .present:
            return try insert(into: content ?? "", warnings: warnings)
        }
    }

    private func validate() throws(TextEditError) {
        if insertBefore != nil && insertAfter != nil { throw .conflicting("insertbefore", "insertafter") }
        if regexp != nil && searchString != nil { throw .conflicting("regexp", "search_string") }
        if backrefs && searchString != nil { throw .conflicting("backrefs", "search_string") }
        switch state {
        case .present:
            if backrefs && regexp == nil {
                throw TextEditError(.missingArgument, argument: "regexp",
                                    "regexp is required with backrefs=true: give the regexp whose groups line refers to")
            }
            if line == nil {
                throw TextEditError(.missingArgument, argument: "line",
                                    "line is required with state=present: give the line to put in the file")
            }
        case .absent:
            if line == nil && regexp == nil && searchString == nil {
                throw TextEditError(.missingArgument, argument: "line",
                                    "one of line, search_string, or regexp is required with state=absent: "
                                    + "say which lines to remove")
            }
        }
    }

    private func emptyPatternWarnings() -> [String] {
        guard regexp == "" || searchString == "" else { return [] }
        let name = regexp == "" ? "regular expression" : "search string"
        var msg = "The \(name) is an empty string, which will match every line in the file. This may have unintended "
            + "consequences, such as replacing the last line in the file rather than appending."
        if regexp == "" {
            msg += " If this is desired, use '^' to match every line in the file and avoid this warning."
        }
        return [msg]
    }

    // MARK: state=absent

    private func remove(from content: String, warnings: [String]) throws(TextEditError) -> TextEditResult {
        let regex = try regexp.map { (p) throws(TextEditError) in try TextLines.compile(p, argument: "regexp") }
        let line = self.line ?? ""
        var kept: [String] = []
        var found = 0
        for current in TextLines.readLines(content) {
            let matches: Bool
            if let regex {
                matches = regex.search(current) != nil
            } else if let searchString {
                matches = TextLines.contains(current, searchString)
            } else {
                matches = TextLines.same(line, TextLines.stripEOL(current))
            }
            if matches { found += 1 } else { kept.append(current) }
        }
        return TextEditResult(
            content: found > 0 ? kept.joined() : content, changed: found > 0,
            message: found > 0 ? "\(found) line(s) removed" : "", found: found, warnings: warnings)
    }

    // MARK: state=present

    private func insert(into content: String, warnings: [String]) throws(TextEditError) -> TextEditResult {
        let line = self.line ?? ""
        // Ansible's default when neither is given.
        let after = insertAfter == nil && insertBefore == nil ? "EOF" : insertAfter
        let before = insertBefore

        let regex = try regexp.map { (p) throws(TextEditError) in try TextLines.compile(p, argument: "regexp") }
        let insertRegex: PythonRegex?
        if let after, after != "BOF", after != "EOF" {
            insertRegex = try TextLines.compile(after, argument: "insertafter")
        } else if let before, before != "BOF" {
            insertRegex = try TextLines.compile(before, argument: "insertbefore")
        } else {
            insertRegex = nil
        }

        var lines = TextLines.readLines(content)
        var matchIndex: Int?      // the line regexp/search_string (or the exact line) selected
        var insertIndex: Int?     // where insertafter/insertbefore puts the new line
        var match: PythonRegex.Match?
        var found = false

        // 1. regexp or search_string: the last matching line (first with firstmatch).
        if let regex {
            for (i, current) in lines.enumerated() {
                guard let m = regex.search(current) else { continue }
                (matchIndex, match, found) = (i, m, true)
                if firstMatch { break }
            }
        }
        if let searchString {
            for (i, current) in lines.enumerated() where TextLines.contains(current, searchString) {
                (matchIndex, found) = (i, true)
                if firstMatch { break }
            }
        }
        // 2. Otherwise: the exact line, and where insertafter/insertbefore points.
        if !found {
            for (i, current) in lines.enumerated() {
                if TextLines.same(line, TextLines.stripEOL(current)) {
                    matchIndex = i
                } else if let insertRegex, insertRegex.search(current) != nil {
                    if TextLines.truthy(after) {
                        insertIndex = i + 1
                        if firstMatch { break }
                    }
                    if TextLines.truthy(before) {
                        insertIndex = i
                        if firstMatch { break }
                    }
                }
            }
        }

        let newLine = line + "\n"
        var message = ""
        func put(_ l: String, at i: Int) {
            lines.insert(l, at: i)
            message = "line added"
        }

        if let matchIndex {
            var replacement = line
            if backrefs, let regex, let match {
                replacement = TextLines.expand(try TextLines.template(line, for: regex, argument: "line"), match)
            }
            if !TextLines.endsWithLF(replacement) { replacement += "\n" }
            if !TextLines.same(lines[matchIndex], replacement) {
                lines[matchIndex] = replacement
                message = "line replaced"
            }
        } else if backrefs {
            // No match to fill the groups from: Ansible leaves the file alone.
        } else if before == "BOF" || after == "BOF" {
            put(newLine, at: 0)
        } else if after == "EOF" || insertIndex == nil {
            if let last = lines.last, !TextLines.endsWithEOL(last) { lines[lines.count - 1] = last + "\n" }
            put(newLine, at: lines.count)
        } else if let insertIndex, TextLines.truthy(after) {
            // Not when the line is already right there.
            if insertIndex == lines.count {
                if !TextLines.same(TextLines.stripEOL(lines[insertIndex - 1]), line) {
                    // Deliberate difference: Ansible 2.19 appends right after an
                    // unterminated last line ("b" + "c\n" gives "bc\n"); Drover ends it first.
                    if !TextLines.endsWithEOL(lines[insertIndex - 1]) { lines[insertIndex - 1] += "\n" }
                    put(newLine, at: insertIndex)
                }
            } else if !TextLines.same(line, TextLines.stripEOL(lines[insertIndex])) {
                put(newLine, at: insertIndex)
            }
        } else if let insertIndex {
            put(newLine, at: insertIndex)
        }

        let changed = !message.isEmpty
        return TextEditResult(content: changed ? lines.joined() : content, changed: changed,
                              message: message, warnings: warnings)
    }
}
