import DroverCore
import Testing

@Suite("LineDiff: unified hunks as diff -u prints them")
struct LineDiffTests {
    static let twenty = (1...20).map { "l\($0)" }

    /// `twenty` with the given 1-based lines replaced by `X<n>`.
    static func changing(_ lines: Int...) -> [String] {
        var b = twenty
        for line in lines { b[line - 1] = "X\(line)" }
        return b
    }

    @Test("equal texts have no hunks")
    func equal() {
        #expect(LineDiff.hunks([], []) == [])
        #expect(LineDiff.hunks(Self.twenty, Self.twenty) == [])
    }

    @Test("one changed line gets three lines of context on each side, cut at the file's edges")
    func oneChange() {
        #expect(LineDiff.hunks(Self.twenty, Self.changing(10)) == [
            "@@ -7,7 +7,7 @@", " l7", " l8", " l9", "-l10", "+X10", " l11", " l12", " l13",
        ])
        #expect(LineDiff.hunks(Self.twenty, Self.changing(1)) == ["@@ -1,4 +1,4 @@", "-l1", "+X1", " l2", " l3", " l4"])
        #expect(LineDiff.hunks(Self.twenty, Self.changing(20)) == ["@@ -17,4 +17,4 @@", " l17", " l18", " l19", "-l20", "+X20"])
    }

    @Test("changes six lines apart share a hunk, seven apart do not (as diff -u and difflib)")
    func joining() {
        // Lines 3 and 10: six unchanged lines between them.
        #expect(LineDiff.hunks(Self.twenty, Self.changing(3, 10)) == [
            "@@ -1,13 +1,13 @@", " l1", " l2", "-l3", "+X3", " l4", " l5", " l6", " l7", " l8", " l9", "-l10", "+X10",
            " l11", " l12", " l13",
        ])
        #expect(LineDiff.hunks(Self.twenty, Self.changing(3, 11)) == [
            "@@ -1,6 +1,6 @@", " l1", " l2", "-l3", "+X3", " l4", " l5", " l6",
            "@@ -8,7 +8,7 @@", " l8", " l9", " l10", "-l11", "+X11", " l12", " l13", " l14",
        ])
    }

    @Test("empty sides and pure insertions and removals name their ranges as diff -u does")
    func ranges() {
        #expect(LineDiff.hunks([], ["a", "b"]) == ["@@ -0,0 +1,2 @@", "+a", "+b"])
        #expect(LineDiff.hunks(["a"], []) == ["@@ -1 +0,0 @@", "-a"])
        #expect(LineDiff.hunks(["a", "b", "c"], ["a", "b", "new", "c"]) == ["@@ -1,3 +1,4 @@", " a", " b", "+new", " c"])
        #expect(LineDiff.hunks(Self.twenty, Array(Self.twenty[0..<9] + Self.twenty[10...])) == [
            "@@ -7,7 +7,6 @@", " l7", " l8", " l9", "-l10", " l11", " l12", " l13",
        ])
        // Without context an insertion names the line it follows.
        #expect(LineDiff.hunks(["a", "b"], ["a", "new", "b"], context: 0) == ["@@ -1,0 +2 @@", "+new"])
        #expect(LineDiff.hunks(["a", "b", "c"], ["a", "c"], context: 0) == ["@@ -2 +1,0 @@", "-b"])
    }

    @Test("a run of changes shows its removals before its additions")
    func removalsFirst() {
        #expect(LineDiff.hunks(["a", "b", "c", "d"], ["a", "x", "y", "d"]) == ["@@ -1,4 +1,4 @@", " a", "-b", "-c", "+x", "+y", " d"])
        #expect(LineDiff.hunks(["a"], ["b"]) == ["@@ -1 +1 @@", "-a", "+b"])
    }

    @Test("the edit script is minimal and rebuilds both sides, on random texts", arguments: 0..<200)
    func randomScripts(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let alphabet = ["a", "b", "c", "d"]
        let a = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        let b = (0..<Int.random(in: 0...12, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        let script = LineDiff.edits(a, b)
        var rebuiltA: [String] = [], rebuiltB: [String] = []
        var changes = 0
        for step in script {
            switch step {
            case .same(let i, let j): rebuiltA.append(a[i]); rebuiltB.append(b[j]); #expect(a[i] == b[j])
            case .removed(let i): rebuiltA.append(a[i]); changes += 1
            case .added(let j): rebuiltB.append(b[j]); changes += 1
            }
        }
        #expect(rebuiltA == a && rebuiltB == b, "\(a) → \(b): \(script)")
        #expect(changes == a.count + b.count - 2 * Self.lcs(a, b), "\(a) → \(b): not minimal")
    }

    @Test("past its cell limit the middle is removed then added: still a correct diff")
    func cellLimit() {
        let a = (0..<3000).map(String.init), b = (0..<3000).map { "x\($0)" }
        let script = LineDiff.edits(["same"] + a + ["end"], ["same"] + b + ["end"], cellLimit: 1000)
        #expect(script.count == 6002)
        #expect(script.first == .same(0, 0) && script.last == .same(3001, 3001))
        #expect(script[1] == .removed(1) && script[3001] == .added(1))
    }

    @Test("a long file with few changes is diffed in full, not replaced")
    func longFile() {
        var b = (0..<50_000).map { "line \($0)" }
        let a = b
        b[25_000] = "changed"
        b.insert("new", at: 40_000)
        let hunks = LineDiff.hunks(a, b)
        #expect(hunks.filter { $0.hasPrefix("@@") } == ["@@ -24998,7 +24998,7 @@", "@@ -39998,6 +39998,7 @@"])
    }

    /// The longest common subsequence's length, by the textbook table.
    static func lcs(_ a: [String], _ b: [String]) -> Int {
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }
}
