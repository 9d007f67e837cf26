/// A unified diff of two texts, line by line (as `diff -u` prints hunks).
///
/// Common leading and trailing lines are trimmed first; the rest is matched
/// with a longest-common-subsequence table when it is small enough, else
/// shown as removed then added (still a correct diff, just not minimal).
enum RunDiffLines {
    enum Op: Equatable {
        case same(Int, Int)
        case removed(Int)
        case added(Int)
    }

    /// The hunks (`@@ -a,n +b,m @@` and their lines), at most `maxLines`
    /// lines, then a line telling how many were left out.
    static func unified(_ before: String, _ after: String, context: Int = 3, maxLines: Int = 20) -> [String] {
        let (a, aNewline) = lines(before)
        let (b, bNewline) = lines(after)
        let script = edits(a, b)
        var out: [String] = []
        // Group the changes into hunks that share context.
        var changed = script.indices.filter { if case .same = script[$0] { return false } else { return true } }
        if changed.isEmpty {
            if aNewline != bNewline {
                out.append(aNewline ? "\\ no newline at the end of run B's output" : "\\ no newline at the end of run A's output")
            } else {
                out.append("(the outputs differ in bytes that are not valid UTF-8)")
            }
            return out
        }
        while let first = changed.first {
            var last = first
            for index in changed where index > last {
                if index - last > 2 * context { break }
                last = index
            }
            changed.removeAll { $0 <= last }
            let lower = max(0, first - context), upper = min(script.count - 1, last + context)
            var aStart = 0, bStart = 0, aCount = 0, bCount = 0
            var body: [String] = []
            // Where the hunk starts on each side: the first line it touches.
            for op in script[..<lower] {
                switch op {
                case .same: aStart += 1; bStart += 1
                case .removed: aStart += 1
                case .added: bStart += 1
                }
            }
            for op in script[lower...upper] {
                switch op {
                case .same(let i, _): body.append(" " + a[i]); aCount += 1; bCount += 1
                case .removed(let i): body.append("-" + a[i]); aCount += 1
                case .added(let j): body.append("+" + b[j]); bCount += 1
                }
            }
            out.append("@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@")
            out.append(contentsOf: body)
        }
        if aNewline != bNewline { out.append("\\ the outputs also differ in their final newline") }
        if out.count > maxLines {
            let left = out.count - maxLines
            out = Array(out.prefix(maxLines))
            out.append("… \(left) more diff lines (`drover logs` prints each output in full)")
        }
        return out
    }

    /// `start,count` as diff -u writes it (1-based; an empty range names the line before).
    static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    /// The lines of `text`, and whether it ended with a newline (or is empty).
    static func lines(_ text: String) -> ([String], Bool) {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let newline = text.hasSuffix("\n")
        if newline || text.isEmpty { parts.removeLast() }
        // An empty text has no last line to lack a newline.
        return (parts, newline || text.isEmpty)
    }

    /// An edit script turning `a` into `b`.
    static func edits(_ a: [String], _ b: [String], cellLimit: Int = 4_000_000) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var script = (0..<prefix).map { Op.same($0, $0) }
        let aMid = Array(prefix..<(a.count - suffix)), bMid = Array(prefix..<(b.count - suffix))
        let n = aMid.count, m = bMid.count
        if n > 0, m > 0, (n + 1) * (m + 1) <= cellLimit {
            // table[i][j]: length of the LCS of aMid[i...] and bMid[j...].
            var table = [Int32](repeating: 0, count: (n + 1) * (m + 1))
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    table[i * (m + 1) + j] = a[aMid[i]] == b[bMid[j]]
                        ? table[(i + 1) * (m + 1) + j + 1] + 1
                        : max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
                }
            }
            var i = 0, j = 0
            while i < n || j < m {
                if i < n, j < m, a[aMid[i]] == b[bMid[j]] {
                    script.append(.same(aMid[i], bMid[j])); i += 1; j += 1
                } else if i < n, j == m || table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1] {
                    script.append(.removed(aMid[i])); i += 1
                } else {
                    script.append(.added(bMid[j])); j += 1
                }
            }
        } else {
            script += aMid.map { Op.removed($0) } + bMid.map { Op.added($0) }
        }
        script += (0..<suffix).map { Op.same(a.count - suffix + $0, b.count - suffix + $0) }
        return script
    }
}
