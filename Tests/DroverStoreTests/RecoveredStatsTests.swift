import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// A run whose controller died keeps true counts and a true duration.
@Suite("recovered recaps")
struct RecoveredStatsTests {
    typealias R = RecoveredStats.Result

    @Test("a loop's items make one task; the worst item decides it, as the engine counts")
    func counting() {
        let stats = RecoveredStats.stats([
            R(host: "a", taskIndex: 1, status: .changed, ignored: false, rescued: false),
            R(host: "a", taskIndex: 2, status: .ok, ignored: false, rescued: false),
            R(host: "a", taskIndex: 2, status: .changed, ignored: false, rescued: false),
            R(host: "a", taskIndex: 3, status: .failed, ignored: true, rescued: false),
            R(host: "a", taskIndex: 4, status: .skipped, ignored: false, rescued: false),
            R(host: "a", taskIndex: 5, status: .failed, ignored: false, rescued: true),
            R(host: "a", taskIndex: 6, status: .ok, ignored: false, rescued: false),
            R(host: "a", taskIndex: 6, status: .cancelled, ignored: false, rescued: false),
            R(host: "b", taskIndex: 1, status: .ok, ignored: false, rescued: false),
            R(host: "b", taskIndex: 2, status: .skipped, ignored: false, rescued: false),
            R(host: "b", taskIndex: 2, status: .failed, ignored: false, rescued: false),
            R(host: "c", taskIndex: 1, status: .unreachable, ignored: false, rescued: false),
            R(host: "d", taskIndex: 1, status: .unreachable, ignored: true, rescued: false),
        ])
        #expect(stats["a"] == HostStats(ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 1, rescued: 1, ignored: 1, cancelled: 1))
        #expect(stats["b"] == HostStats(ok: 1, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0, cancelled: 0))
        #expect(stats["c"] == HostStats(ok: 0, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0, cancelled: 0))
        #expect(stats["d"] == HostStats(ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1, cancelled: 0))
    }

    @Test("an interrupted run lists its hosts, failures and changes, and ends at its last sign of life")
    func interruptedRun() async throws {
        let temp = try TemporaryStore("recovered")
        defer { temp.close() }
        let other = try Store(home: temp.home)
        let recorder = try await RunRecorder.start(store: other, info: runInfo(), forwardingTo: NullObserver())
        await recorder.hostReported(report("h1", "one", .changed, id: TaskID(play: 1, path: [1])))
        await recorder.hostReported(report("h2", "one", .changed, id: TaskID(play: 1, path: [1])))
        await recorder.hostReported(report("h2", "two", .failed, id: TaskID(play: 1, path: [2])))
        await recorder.flush()
        let started = Date()
        let lastBeat = started.addingTimeInterval(5)
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE runs SET started_at = ? WHERE id = ?", arguments: [started.addingTimeInterval(-2), recorder.runID])
            try db.execute(sql: "UPDATE instances SET host_name = 'gone', heartbeat_at = ? WHERE id = ?",
                           arguments: [lastBeat, other.instanceID.uuidString])
        }
        #expect(try await temp.store.markInterruptedRuns(timeout: 120, now: lastBeat.addingTimeInterval(3600)) == 1)
        let run = try await temp.store.run(recorder.runID)
        #expect(run.status == .interrupted)
        #expect(run.hosts == 2 && run.failedHosts == 1 && run.changedTasks == 2)
        let duration = try #require(run.endedAt).timeIntervalSince(run.startedAt)
        #expect(abs(duration - 7) < 0.5, "\(duration)")
    }
}
