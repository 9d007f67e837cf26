extension FileDiff {
    /// What ansible-playbook's `--diff` prints for this file (its callback's
    /// `_get_diff`): the `---`/`+++` headers, unified hunks with three lines
    /// of context, and a blank line; nothing when before and after are equal.
    public var unifiedLines: [String] {
        let hunks = LineDiff.hunks(Self.lines(before), Self.lines(after))
        guard !hunks.isEmpty else { return [] }
        return ["--- before: \(beforeHeader)", "+++ after: \(afterHeader)"] + hunks + [""]
    }

    /// The text's lines; a last line without its newline carries the marker
    /// Ansible gives it, so that it differs from the same line with one.
    static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") || text.isEmpty {
            lines.removeLast()
        } else {
            lines[lines.count - 1] += "\n\\ No newline at end of file"
        }
        return lines
    }
}
