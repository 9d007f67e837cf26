import DroverCore
import Testing

@Suite("--diff output as ansible-playbook prints it")
struct FileDiffUnifiedTests {
    @Test("headers, a hunk with three lines of context, a blank line, and no stray context line for the final newline")
    func hunk() {
        let before = (1...10).map { "line \($0)\n" }.joined()
        let after = before.replacingOccurrences(of: "line 9\n", with: "LINE 9\n")
        let diff = FileDiff(path: "/etc/app.conf", before: before, after: after)
        #expect(diff.unifiedLines == [
            "--- before: /etc/app.conf", "+++ after: /etc/app.conf", "@@ -6,5 +6,5 @@",
            " line 6", " line 7", " line 8", "-line 9", "+LINE 9", " line 10", "",
        ])
    }

    @Test("a new file, a removed one, and headers of their own")
    func createdAndRemoved() {
        #expect(FileDiff(path: "/f", before: "", after: "a\nb\n", beforeHeader: "/f (absent)").unifiedLines == [
            "--- before: /f (absent)", "+++ after: /f", "@@ -0,0 +1,2 @@", "+a", "+b", "",
        ])
        #expect(FileDiff(path: "/f", before: "a\n", after: "").unifiedLines == ["--- before: /f", "+++ after: /f", "@@ -1 +0,0 @@", "-a", ""])
    }

    @Test("a last line without newline is marked as Ansible marks it")
    func noFinalNewline() {
        #expect(FileDiff(path: "/f", before: "a\nb", after: "a\nb\n").unifiedLines == [
            "--- before: /f", "+++ after: /f", "@@ -1,2 +1,2 @@", " a", "-b\n\\ No newline at end of file", "+b", "",
        ])
    }

    @Test("equal before and after print nothing")
    func equal() {
        #expect(FileDiff(path: "/f", before: "a\n", after: "a\n").unifiedLines == [])
        #expect(FileDiff(path: "/f", before: "", after: "").unifiedLines == [])
    }
}
