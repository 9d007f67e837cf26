/// Myers' greedy shortest-edit-script search ("An O(ND) Difference
/// Algorithm", 1986), for `LineDiff`. Time grows with the number of
/// differing lines, not with the files' sizes; memory with its square.
enum MyersPath {
    /// The steps turning `a` into `b`, unnumbered (`LineDiff` numbers
    /// them), or nil when the search would keep more than `cellLimit`
    /// cells of its trace.
    static func edits(_ a: [String], _ b: [String], cellLimit: Int) -> [LineDiff.Edit]? {
        // Compare numbers, not strings, in the inner loop.
        var ids: [String: Int] = [:]
        func id(_ line: String) -> Int {
            if let known = ids[line] { return known }
            ids[line] = ids.count
            return ids.count - 1
        }
        let x = a.map(id), y = b.map(id)
        guard let trace = search(x, y, cellLimit: cellLimit) else { return nil }
        return backtrack(trace, n: x.count, m: y.count)
    }

    /// For each edit count d, the furthest x reached on each diagonal
    /// k = x - y (k from -d to d) before step d; the last entry ends at
    /// (n, m).
    private static func search(_ x: [Int], _ y: [Int], cellLimit: Int) -> [[Int]]? {
        let n = x.count, m = y.count, offset = n + m + 1
        var v = [Int](repeating: 0, count: 2 * offset + 1)
        var trace: [[Int]] = []
        var cells = 0
        for d in 0...(n + m) {
            cells += 2 * d + 1
            if cells > cellLimit { return nil }
            trace.append(Array(v[(offset - d)...(offset + d)]))
            for k in stride(from: -d, through: d, by: 2) {
                var i = down(k, d, v, offset) ? v[offset + k + 1] : v[offset + k - 1] + 1
                var j = i - k
                while i < n, j < m, x[i] == y[j] { i += 1; j += 1 }
                v[offset + k] = i
                if i >= n, j >= m { return trace }
            }
        }
        return trace
    }

    /// Whether diagonal k at step d is reached by a step down (an added
    /// line) from diagonal k + 1 rather than right (a removed line) from k - 1.
    private static func down(_ k: Int, _ d: Int, _ v: [Int], _ offset: Int) -> Bool {
        k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1])
    }

    /// Walks the trace back from (n, m) to (0, 0).
    private static func backtrack(_ trace: [[Int]], n: Int, m: Int) -> [LineDiff.Edit] {
        var steps: [LineDiff.Edit] = []
        var i = n, j = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d], k = i - j
            // `v` holds diagonals -d...d at indexes 0...2d; step 0 has no predecessor.
            let fromK = d == 0 ? 0 : down(k, d, v, d) ? k + 1 : k - 1
            let fromI = d == 0 ? 0 : v[d + fromK], fromJ = fromI - fromK
            while i > fromI, j > fromJ { steps.append(.same(0, 0)); i -= 1; j -= 1 }
            if d > 0 { steps.append(i == fromI ? .added(0) : .removed(0)) }
            i = fromI; j = fromJ
        }
        return steps.reversed()
    }
}
