import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// Runs carry their controller instance; only a controller that is gone
/// (silent past the timeout, or dead on this machine) gets its runs
/// marked interrupted, and never by itself.
@Suite("controller instances")
struct InstanceTests {
    /// A run started by `store`'s instance; returns its recorder.
    static func start(_ store: Store) async throws -> RunRecorder {
        try await RunRecorder.start(store: store, info: runInfo(), forwardingTo: NullObserver())
    }

    /// Rewrites `store`'s instance row (its machine, pid or last beat).
    static func arrange(_ temp: TemporaryStore, _ store: Store, _ assignments: String, _ arguments: StatementArguments = []) throws {
        try temp.database().write { db in
            try db.execute(sql: "UPDATE instances SET \(assignments) WHERE id = ?", arguments: arguments + [store.instanceID.uuidString])
        }
    }

    /// The synchronous variant, as the CLI calls it.
    static func markSynchronously(_ store: Store) throws -> Int {
        try store.markInterruptedRuns()
    }

    @Test("each store registers an instance; runs record it; a heartbeat moves its time")
    func registration() async throws {
        let temp = try TemporaryStore("instances")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        #expect(other.instanceID != temp.store.instanceID)
        let recorder = try await Self.start(other)
        let runID = recorder.runID
        // Plain values out of the read: a Row is not Sendable.
        let fetched = try await temp.database().read { db -> (instance: String, pid: Int, host: String)? in
            try Row.fetchOne(db, sql: "SELECT r.instance_id, i.pid, i.host_name FROM runs r JOIN instances i ON i.id = r.instance_id WHERE r.id = ?",
                             arguments: [runID]).map { ($0["instance_id"], $0["pid"], $0["host_name"]) }
        }
        let row = try #require(fetched)
        #expect(row.instance == other.instanceID.uuidString)
        #expect(row.pid == Int(getpid()))
        #expect(row.host == ProcessInfo.processInfo.hostName)
        let later = Date().addingTimeInterval(3600)
        try await other.heartbeat(now: later)
        let beat = try await temp.database().read { db in
            try Date.fetchOne(db, sql: "SELECT heartbeat_at FROM instances WHERE id = ?", arguments: [other.instanceID.uuidString])
        }
        #expect(beat.map { abs($0.timeIntervalSince(later)) < 0.01 } == true)
        await recorder.finish(status: .succeeded)
    }

    @Test("a controller never marks its own runs, however old its heartbeat")
    func ownRuns() async throws {
        let temp = try TemporaryStore("own")
        defer { temp.close() }
        let recorder = try await Self.start(temp.store)
        let muchLater = Date().addingTimeInterval(86400)
        #expect(try await temp.store.markInterruptedRuns(now: muchLater) == 0)
        #expect(try await temp.store.run(recorder.runID).status == .running)
        await recorder.finish(status: .succeeded)
        #expect(try await temp.store.run(recorder.runID).status == .succeeded)
    }

    @Test("another machine's controller: running while it beats, interrupted once silent past the timeout")
    func silentElsewhere() async throws {
        let temp = try TemporaryStore("elsewhere")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let recorder = try await Self.start(other)
        let now = Date()
        try Self.arrange(temp, other, "host_name = 'another-machine', pid = 2000000000, heartbeat_at = ?", [now])
        // Its pid means nothing here: only its heartbeat counts.
        #expect(try await temp.store.markInterruptedRuns(timeout: 120, now: now.addingTimeInterval(60)) == 0)
        #expect(try await temp.store.run(recorder.runID).status == .running)
        #expect(try await temp.store.markInterruptedRuns(timeout: 120, now: now.addingTimeInterval(200)) == 1)
        let run = try await temp.store.run(recorder.runID)
        #expect(run.status == .interrupted && run.endedAt != nil)
    }

    @Test("a beat keeps a controller alive: only silence past the timeout since the last beat counts")
    func beating() async throws {
        let temp = try TemporaryStore("beating")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let recorder = try await Self.start(other)
        let now = Date()
        try Self.arrange(temp, other, "host_name = 'another-machine'")
        try await other.heartbeat(now: now.addingTimeInterval(100))
        #expect(try await temp.store.markInterruptedRuns(timeout: 120, now: now.addingTimeInterval(200)) == 0)
        #expect(try await temp.store.markInterruptedRuns(timeout: 120, now: now.addingTimeInterval(300)) == 1)
        #expect(try await temp.store.run(recorder.runID).status == .interrupted)
    }

    @Test("this machine's controller with a dead pid is gone at once, fresh heartbeat or not")
    func deadHere() async throws {
        let temp = try TemporaryStore("dead-here")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let recorder = try await Self.start(other)
        try Self.arrange(temp, other, "pid = 2000000000, heartbeat_at = ?", [Date()])
        #expect(try await temp.store.markInterruptedRuns() == 1)
        #expect(try await temp.store.run(recorder.runID).status == .interrupted)
    }

    @Test("this machine's controller with a live pid and a fresh heartbeat keeps its runs")
    func aliveHere() async throws {
        let temp = try TemporaryStore("alive-here")
        defer { temp.close() }
        let other = try Store(home: temp.home)  // same process: its pid is alive
        let recorder = try await Self.start(other)
        #expect(try await temp.store.markInterruptedRuns() == 0)
        #expect(try Self.markSynchronously(temp.store) == 0)  // the CLI's path agrees
        #expect(try await temp.store.run(recorder.runID).status == .running)
        await recorder.finish(status: .failed)
        #expect(try await temp.store.run(recorder.runID).status == .failed)
    }

    @Test("a run whose instance is unknown (forgotten long ago) is interrupted")
    func unknownInstance() async throws {
        let temp = try TemporaryStore("unknown")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let recorder = try await Self.start(other)
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE runs SET instance_id = ? WHERE id = ?", arguments: [UUID().uuidString, recorder.runID])
        }
        #expect(try await temp.store.markInterruptedRuns() == 1)
        #expect(try await temp.store.run(recorder.runID).status == .interrupted)
    }
}
