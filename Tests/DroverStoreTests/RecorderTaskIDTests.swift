import DroverCore
@testable import DroverStore
import DroverTestSupport
import Foundation
import GRDB
import Testing

/// Results are recorded by task id; runs end with the status their ender
/// gives, once; blob files are written before the rows that name them.
@Suite("recording by task id")
struct RecorderTaskIDTests {
    @Test("two unnamed shell tasks are two tasks of the run, with their ids stored")
    func sameTitle() async throws {
        let temp = try TemporaryStore("task-ids")
        defer { temp.close() }
        let first = TaskID(play: 1, path: [1]), second = TaskID(play: 1, path: [2])
        let id = try await record(temp.store, [
            report("web1", "shell", .changed, id: first, stdout: "one"),
            report("web2", "shell", .changed, id: first, stdout: "one"),
            report("web1", "shell", .ok, id: second, stdout: "two"),
        ])
        let results = try await temp.store.results(id)
        #expect(results.map(\.taskIndex) == [1, 1, 2])
        #expect(results.map(\.taskID) == [first, first, second])
        #expect(try await temp.store.tasks(id).map(\.index) == [1, 2])
        let stored = try await temp.database().read { db in try String.fetchAll(db, sql: "SELECT task_id FROM task_results ORDER BY id") }
        #expect(stored == ["p1.t1", "p1.t1", "p1.t2"])
    }

    @Test("the engine's recap does not end the run: the first finish does, and later ones change nothing")
    func finishOnce() async throws {
        let temp = try TemporaryStore("finish")
        defer { temp.close() }
        let recorder = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        var stats = HostStats()
        stats.cancelled = 1
        let recap = RunRecap(hosts: [("web1", stats)], duration: .zero)
        await recorder.runFinished(recap)
        #expect(try await temp.store.run(recorder.runID).status == .running)
        #expect(recap.status == .cancelled)
        await recorder.finish(status: recap.status, recap: recap)
        await recorder.finish(status: .succeeded)
        let run = try await temp.store.run(recorder.runID)
        #expect(run.status == .cancelled && run.endedAt != nil)
        #expect(try await temp.store.recap(recorder.runID).first?.stats.cancelled == 1)
    }

    @Test("finish waits for a write still in flight: every result is stored when it returns")
    func finishAfterInFlightFlush() async throws {
        let temp = try TemporaryStore("in-flight")
        defer { temp.close() }
        // Outputs over the inline limit: writing their blobs takes a while.
        let big = String(repeating: "x", count: RunRecorder.inlineLimit + 1)
        for attempt in 0..<3 {
            let recorder = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
            for n in 0..<60 { await recorder.hostReported(report("web\(n)", "t", .ok, stdout: "\(n) \(attempt) " + big)) }
            let inFlight = Swift.Task { await recorder.flush() }
            // Let the flush take the queue and start writing (the actor is
            // free, so it does at once) before the run is finished.
            try await Swift.Task.sleep(for: .milliseconds(5))
            await recorder.finish(status: .succeeded)
            #expect(try await temp.store.results(recorder.runID).count == 60, "attempt \(attempt)")
            await inFlight.value
        }
    }

    @Test("a run that ends with an error, before any recap, is failed, not running")
    func errorPath() async throws {
        let temp = try TemporaryStore("error-path")
        defer { temp.close() }
        let recorder = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        await recorder.hostReported(report("web1", "t", .ok))
        await recorder.finish(status: .failed)
        #expect(try await temp.store.run(recorder.runID).status == .failed)
        #expect(try await temp.store.results(recorder.runID).count == 1)
    }

    @Test("a blob removed between its write and the row's transaction (a prune) is written again")
    func blobRace() async throws {
        let temp = try TemporaryStore("blob-race")
        defer { temp.close() }
        let big = String(repeating: "x", count: RunRecorder.inlineLimit + 1)
        var taskReport = report("web1", "big", .ok, id: TaskID(play: 1, path: [1]), stdout: big)
        taskReport.collected = [CollectedLog(source: "/var/log/app.log", content: Array("log".utf8))]
        let row = ResultRow(taskReport, play: "p", taskIndex: 1, sequence: 1)
        let blobs = try row.writeBlobs(to: temp.store.blobs)
        let digests = [blobs.stdout].compactMap { $0 } + blobs.collected
        #expect(digests.count == 2 && digests.allSatisfy(temp.store.blobs.exists))
        for digest in digests { temp.store.blobs.remove(digest) }
        let recorder = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        try await temp.store.pool.write { db in try row.insert(into: db, run: recorder.runID, blobs: blobs, store: temp.store.blobs) }
        #expect(digests.allSatisfy(temp.store.blobs.exists))
        let result = try #require(try await temp.store.results(recorder.runID).first)
        #expect(try await temp.store.output(resultID: result.id, stderr: false) == Array(big.utf8))
        await recorder.finish(status: .succeeded)
    }

    @Test("a store of the previous schema migrates: old rows read with no task id, no instance, no cancelled count")
    func migration() async throws {
        let home = try scratchDirectory("store-v5")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let queue = try DatabaseQueue(path: home + "/drover.sqlite")
        try StoreSchema.migrator.migrate(queue, upTo: "v5 results know a rescue handled them")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO runs (id, playbook, playbook_sha256, inventory, extra_vars, user, host_name, pid, check_mode, started_at, status)
                VALUES (1, 'site.yml', '', 'inv', '{}', 'alice', 'elsewhere', 1, 0, ?, 'succeeded')
                """, arguments: [Date()])
            try db.execute(sql: "INSERT INTO run_hosts (run_id, host, ok) VALUES (1, 'web1', 1)")
            try db.execute(sql: """
                INSERT INTO task_results (run_id, seq, task_index, play, task, module, host, status, ignored, result, ended_at)
                VALUES (1, 1, 1, 'p', 'old task', 'command', 'web1', 'ok', 0, '{}', ?)
                """, arguments: [Date()])
        }
        try queue.close()
        let store = try Store(home: home)
        let result = try #require(try await store.results(1).first)
        #expect(result.taskID == nil && result.status == .ok && result.task == "old task")
        #expect(try await store.recap(1).first?.stats == HostStats(ok: 1))
        #expect(try await store.run(1).status == .succeeded)
    }
}
