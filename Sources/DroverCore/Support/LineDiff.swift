/// The line-level difference of two texts, and its unified-diff hunks as
/// `diff -u` and Python's `difflib.unified_diff` (Ansible's `--diff`) print
/// them. Pure: lines in, lines out.
public enum LineDiff {
    /// One step of an edit script turning `a` into `b`; the numbers are
    /// 0-based line indexes into `a` and `b`.
    public enum Edit: Equatable, Sendable {
        case same(Int, Int)
        case removed(Int)
        case added(Int)
    }

    /// A shortest edit script (Myers' O(ND) algorithm) after trimming the
    /// common first and last lines. Past `cellLimit` saved cells (about
    /// 2,000 differing lines) the middle is shown as removed then added:
    /// still a correct diff, just not minimal. Within each run of changes
    /// the removals come first, as in `diff -u`.
    public static func edits(_ a: [String], _ b: [String], cellLimit: Int = 4_000_000) -> [Edit] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let aMiddle = prefix..<(a.count - suffix), bMiddle = prefix..<(b.count - suffix)
        let middle = MyersPath.edits(Array(a[aMiddle]), Array(b[bMiddle]), cellLimit: cellLimit)
            ?? Array(repeating: .removed(0), count: aMiddle.count) + Array(repeating: .added(0), count: bMiddle.count)
        return numbered(Array(repeating: .same(0, 0), count: prefix) + middle + Array(repeating: .same(0, 0), count: suffix))
    }

    /// The hunks: `@@ -a,n +b,m @@` lines, each followed by its context
    /// (` `), removed (`-`) and added (`+`) lines. Changes at most
    /// `2 * context` lines apart share a hunk. Empty when `a == b`.
    public static func hunks(_ a: [String], _ b: [String], context: Int = 3) -> [String] {
        let script = edits(a, b)
        let changed = script.indices.filter { script[$0].isChange }
        var out: [String] = []
        var next = 0
        while next < changed.count {
            var last = next
            // A gap of exactly 2 * context lines still joins (as in diff -u).
            while last + 1 < changed.count, changed[last + 1] - changed[last] - 1 <= 2 * context { last += 1 }
            let lower = max(0, changed[next] - context), upper = min(script.count - 1, changed[last] + context)
            let skipped = script[..<lower]
            out += hunk(script[lower...upper], a, b, aStart: skipped.count(where: { !$0.isAdded }), bStart: skipped.count(where: { !$0.isRemoved }))
            next = last + 1
        }
        return out
    }

    /// One hunk's header and lines; `ops` starts after `aStart` lines of
    /// `a` and `bStart` of `b`.
    private static func hunk(_ ops: ArraySlice<Edit>, _ a: [String], _ b: [String], aStart: Int, bStart: Int) -> [String] {
        var aCount = 0, bCount = 0
        var body: [String] = []
        for op in ops {
            switch op {
            case .same(let i, _): body.append(" " + a[i]); aCount += 1; bCount += 1
            case .removed(let i): body.append("-" + a[i]); aCount += 1
            case .added(let j): body.append("+" + b[j]); bCount += 1
            }
        }
        return ["@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@"] + body
    }

    /// `start,count` as `diff -u` writes it: 1-based, the count left out
    /// when it is 1, and an empty range named by the line before it.
    static func range(_ start: Int, _ count: Int) -> String {
        count == 0 ? "\(start),0" : count == 1 ? "\(start + 1)" : "\(start + 1),\(count)"
    }

    /// Numbers the steps of an unnumbered script, each run of changes as
    /// removals then additions.
    private static func numbered(_ script: [Edit]) -> [Edit] {
        var out: [Edit] = []
        var i = 0, j = 0
        var removed: [Edit] = [], added: [Edit] = []
        func flush() { out += removed + added; removed = []; added = [] }
        for op in script {
            switch op {
            case .same: flush(); out.append(.same(i, j)); i += 1; j += 1
            case .removed: removed.append(.removed(i)); i += 1
            case .added: added.append(.added(j)); j += 1
            }
        }
        flush()
        return out
    }
}

extension LineDiff.Edit {
    var isChange: Bool { isRemoved || isAdded }

    var isRemoved: Bool {
        if case .removed = self { return true }
        return false
    }

    var isAdded: Bool {
        if case .added = self { return true }
        return false
    }
}
