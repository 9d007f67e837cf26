import DroverCore

/// Ansible's `blockinfile` as a pure function of the file content.
///
/// The block sits between two marker lines, `marker` with `{mark}` replaced
/// by `markerBegin` and by `markerEnd`. A marker counts only as a whole line
/// ending in `\n` (the last occurrence of each is used). When both markers
/// are there, the lines between them (inclusive) are replaced in place;
/// otherwise the block goes after the last line matching `insertAfter`
/// (default `EOF`), before the last line matching `insertBefore` (or at
/// `BOF`), or at the end when the pattern matches nothing. A pattern with an
/// inline `(?m)` flag is searched in the whole file instead of line by line.
/// An empty `block` or `state: absent` removes the block.
public struct BlockInFileEdit: Sendable, Equatable {
    public enum State: String, Sendable, Equatable {
        case present, absent
    }

    public var block: String
    public var marker: String
    public var markerBegin: String
    public var markerEnd: String
    public var state: State
    /// `"EOF"` or a regular expression.
    public var insertAfter: String?
    /// `"BOF"` or a regular expression.
    public var insertBefore: String?
    /// Add a blank line after the block unless it is at the end of the file or one is already there.
    public var appendNewline: Bool
    /// Add a blank line before the block unless it is at the start of the file or one is already there.
    public var prependNewline: Bool

    public init(
        block: String = "", marker: String = "# {mark} ANSIBLE MANAGED BLOCK",
        markerBegin: String = "BEGIN", markerEnd: String = "END", state: State = .present,
        insertAfter: String? = nil, insertBefore: String? = nil,
        appendNewline: Bool = false, prependNewline: Bool = false
    ) {
        self.block = block
        self.marker = marker
        self.markerBegin = markerBegin
        self.markerEnd = markerEnd
        self.state = state
        self.insertAfter = insertAfter
        self.insertBefore = insertBefore
        self.appendNewline = appendNewline
        self.prependNewline = prependNewline
    }

    /// Computes the new content.
    ///
    /// `content` nil means the file does not exist: with `state: absent`
    /// nothing happens ("File PATH not present", `path` only names it);
    /// with `state: present` the caller has already checked `create`, and
    /// the result is a new file ("File created").
    public func apply(to content: String?, path: String = "") throws(TextEditError) -> TextEditResult {
        if insertBefore != nil && insertAfter != nil { throw .conflicting("insertbefore", "insertafter") }
        let present = state == .present
        if !present && content == nil {
            return TextEditResult(content: "", changed: false, message: "File \(path) not present")
        }
        var lines = content.map(TextLines.splitLines) ?? []

        let after = insertAfter == nil && insertBefore == nil ? "EOF" : insertAfter
        let before = insertBefore
        let insertRegex: PythonRegex?
        var insertPattern = ""
        if let after, after != "EOF" {
            insertRegex = try TextLines.compile(after, argument: "insertafter")
            insertPattern = after
        } else if let before, before != "BOF" {
            insertRegex = try TextLines.compile(before, argument: "insertbefore")
            insertPattern = before
        } else {
            insertRegex = nil
        }

        let beginLine = try markerLine(markerBegin, argument: "marker_begin")
        let endLine = try markerLine(markerEnd, argument: "marker_end")
        var blockLines: [String] = []
        if present && !block.isEmpty {
            let body = TextLines.endsWithLF(block) ? block : block + "\n"
            blockLines = [beginLine] + TextLines.splitLines(body) + [endLine]
        }

        var begin: Int?, end: Int?
        for (i, line) in lines.enumerated() {
            if TextLines.same(line, beginLine) { begin = i }
            if TextLines.same(line, endLine) { end = i }
        }

        var at: Int
        if let begin, let end {
            // Replace the existing block where it is.
            at = min(begin, end)
            lines.removeSubrange(at...max(begin, end))
        } else if let insertRegex {
            at = insertionLine(insertRegex, pattern: insertPattern, after: after, lines: lines, content: content ?? "")
        } else if before != nil {
            at = 0  // insertbefore: BOF
        } else {
            at = lines.count  // insertafter: EOF
        }

        // The line before the block must end with a newline.
        if at > 0 && !TextLines.endsWithLF(lines[at - 1]) { lines[at - 1] += "\n" }
        if prependNewline && present && at != 0 && !TextLines.same(lines[at - 1], "\n") {
            lines.insert("\n", at: at)
            at += 1
        }
        lines.insert(contentsOf: blockLines, at: at)
        if appendNewline && present {
            let next = at + blockLines.count
            if next < lines.count && !TextLines.same(lines[next], "\n") { lines.insert("\n", at: next) }
        }

        let result = lines.joined()
        let message: String
        if let content, TextLines.same(content, result) {
            message = ""
        } else if content == nil {
            message = "File created"
        } else if blockLines.isEmpty {
            message = "Block removed"
        } else {
            message = "Block inserted"
        }
        return TextEditResult(content: message.isEmpty ? content ?? "" : result, changed: !message.isEmpty, message: message)
    }

    /// `marker` with `{mark}` replaced as Python's `re.sub` does (the
    /// replacement is a template, so backslash escapes are processed), plus `\n`.
    private func markerLine(_ mark: String, argument: String) throws(TextEditError) -> String {
        let placeholder = try TextLines.compile("{mark}", argument: "marker")
        let parts = try TextLines.template(mark, for: placeholder, argument: argument)
        var out = ""
        var last = marker.startIndex
        for m in placeholder.matches(marker) {
            out += marker[last..<m.range.lowerBound]
            out += TextLines.expand(parts, m)
            last = m.range.upperBound
        }
        return out + marker[last...] + "\n"
    }

    /// Where the block goes when it is not in the file yet.
    private func insertionLine(_ regex: PythonRegex, pattern: String, after: String?, lines: [String], content: String) -> Int {
        var at: Int?
        if Self.hasGlobalMultiline(pattern) {
            // Searched in the whole file; the line is the count of newlines before the match.
            if let m = regex.search(content) {
                if TextLines.truthy(after) {
                    at = content[..<m.range.upperBound].utf8.count { $0 == TextLines.lf }
                } else if insertBefore != nil {
                    at = content[..<m.range.lowerBound].utf8.count { $0 == TextLines.lf }
                }
            }
        } else {
            for (i, line) in lines.enumerated() where regex.search(line) != nil { at = i }
        }
        guard let at else { return lines.count }  // no match: at the end, for insertbefore too
        // Ansible would fail with an IndexError past the last line; Drover appends.
        return min(after != nil ? at + 1 : at, lines.count)
    }

    /// Whether the pattern turns on `re.MULTILINE` with leading inline flags, e.g. `(?m)` or `(?im)`.
    static func hasGlobalMultiline(_ pattern: String) -> Bool {
        var rest = Substring(pattern)
        while rest.hasPrefix("(?") {
            let flags = rest.dropFirst(2).prefix { "aiLmsux".contains($0) }
            guard !flags.isEmpty, rest.dropFirst(2 + flags.count).first == ")" else { return false }
            if flags.contains("m") { return true }
            rest = rest.dropFirst(3 + flags.count)
        }
        return false
    }
}
