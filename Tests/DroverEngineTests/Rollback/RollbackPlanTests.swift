import DroverCore
import DroverEngine
import Testing

/// RollbackPlan: every kind of journal entry against every previous state.
@Suite("Rollback plan")
struct RollbackPlanTests {
    static let file = PathState(exists: true, kind: .file, mode: "640")
    static let directory = PathState(exists: true, kind: .directory, mode: "755")
    static let other = PathState(exists: true, kind: .other)
    static var link: PathState {
        var s = PathState(exists: true, kind: .link)
        s.target = "/etc/old"
        return s
    }

    static func record(_ entry: UndoEntry, _ sequence: Int = 1) -> UndoRecord {
        UndoRecord(sequence: sequence, entry: entry, task: "t")
    }

    @Test("newest entry is undone first")
    func reverseOrder() {
        let actions = RollbackPlan.actions(for: [
            Self.record(.createdDirectory(path: "/a"), 1),
            Self.record(.file(path: "/a/f", previous: .absent, content: nil, after: "x"), 2),
            Self.record(.attributes(path: "/a/f", previous: Self.file), 3),
        ])
        #expect(actions == [
            .restoreAttributes(path: "/a/f", previous: Self.file),
            .removeFile(path: "/a/f", expected: "x"),
            .removeDirectory(path: "/a"),
        ])
    }

    @Test("a written file", arguments: [
        (PathState.absent, [UInt8]?.none, RollbackAction.removeFile(path: "/p", expected: "sha")),
        (file, [1, 2], RollbackAction.restoreFile(path: "/p", previous: file, content: [1, 2], expected: "sha")),
        (file, nil, RollbackAction.irreversible(what: "/p (t)", reason: "its previous content was not recorded (no_log)")),
        (directory, nil, RollbackAction.irreversible(what: "/p (t)", reason: "it was a directory before the run")),
        (other, nil, RollbackAction.irreversible(what: "/p (t)", reason: "it was a other before the run")),
    ])
    func writtenFile(previous: PathState, content: [UInt8]?, expected: RollbackAction) {
        #expect(RollbackPlan.actions(for: [Self.record(.file(path: "/p", previous: previous, content: content, after: "sha"))]) == [expected])
    }

    @Test("a removed path", arguments: [
        (file, [UInt8]?.some([7]), RollbackAction.recreateFile(path: "/p", previous: file, content: [7])),
        (file, nil, RollbackAction.irreversible(what: "/p (t)", reason: "its content was not recorded")),
        (directory, nil, RollbackAction.recreateDirectory(path: "/p", previous: directory)),
        (link, nil, RollbackAction.restoreLink(path: "/p", previous: link)),
    ])
    func removedPath(previous: PathState, content: [UInt8]?, expected: RollbackAction) {
        #expect(RollbackPlan.actions(for: [Self.record(.removed(path: "/p", previous: previous, content: content))]) == [expected])
    }

    @Test("a link, attributes, a created directory and an irreversible command")
    func others() {
        #expect(RollbackPlan.actions(for: [Self.record(.link(path: "/l", previous: .absent))]) == [.restoreLink(path: "/l", previous: .absent)])
        #expect(RollbackPlan.actions(for: [Self.record(.link(path: "/l", previous: Self.link))]) == [.restoreLink(path: "/l", previous: Self.link)])
        #expect(RollbackPlan.actions(for: [Self.record(.link(path: "/l", previous: Self.file))])
            == [.irreversible(what: "/l (t)", reason: "a file was replaced by a link and its content was not recorded")])
        #expect(RollbackPlan.actions(for: [Self.record(.attributes(path: "/f", previous: Self.file))]) == [.restoreAttributes(path: "/f", previous: Self.file)])
        #expect(RollbackPlan.actions(for: [Self.record(.createdDirectory(path: "/d"))]) == [.removeDirectory(path: "/d")])
        #expect(RollbackPlan.actions(for: [Self.record(.irreversible(description: "shell: make install"))])
            == [.irreversible(what: "shell: make install (t)", reason: "the task has no undo:")])
    }

    @Test("every permutation of a journal is undone in exact reverse sequence order")
    func permutations() {
        let entries: [UndoEntry] = [
            .createdDirectory(path: "/1"), .createdDirectory(path: "/2"), .createdDirectory(path: "/3"), .createdDirectory(path: "/4"),
        ]
        func permute(_ items: [Int]) -> [[Int]] {
            items.count <= 1 ? [items] : items.indices.flatMap { i in
                permute(Array(items[..<i] + items[(i + 1)...])).map { [items[i]] + $0 }
            }
        }
        for order in permute([0, 1, 2, 3]) {
            let records = order.map { Self.record(entries[$0], $0 + 1) }
            #expect(RollbackPlan.actions(for: records).map(\.path) == ["/4", "/3", "/2", "/1"])
        }
    }
}
