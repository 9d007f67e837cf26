import DroverCore

/// A unified diff of two recorded outputs, line by line (`LineDiff`'s
/// hunks), cut short for `drover diff`, with what a line diff cannot show
/// (a final newline, bytes that are not UTF-8) said in words.
enum RunDiffLines {
    /// The hunks (`@@ -a,n +b,m @@` and their lines), at most `maxLines`
    /// lines, then a line telling how many were left out.
    static func unified(_ before: String, _ after: String, context: Int = 3, maxLines: Int = 20) -> [String] {
        let (a, aNewline) = lines(before)
        let (b, bNewline) = lines(after)
        var out = LineDiff.hunks(a, b, context: context)
        if out.isEmpty {
            if aNewline != bNewline {
                return [aNewline ? "\\ no newline at the end of run B's output" : "\\ no newline at the end of run A's output"]
            }
            return ["(the outputs differ in bytes that are not valid UTF-8)"]
        }
        if aNewline != bNewline { out.append("\\ the outputs also differ in their final newline") }
        if out.count > maxLines {
            let left = out.count - maxLines
            out = Array(out.prefix(maxLines))
            out.append("… \(left) more diff lines (`drover logs` prints each output in full)")
        }
        return out
    }

    /// The lines of `text`, and whether it ended with a newline (or is empty).
    static func lines(_ text: String) -> ([String], Bool) {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newline = text.hasSuffix("\n")
        if newline || text.isEmpty { parts.removeLast() }
        // An empty text has no last line to lack a newline.
        return (parts, newline || text.isEmpty)
    }
}
