import DroverCore
@testable import DroverEngine
@testable import DroverStore
import DroverTestSupport
import Foundation
import GRDB
import Testing

/// Counts the commits that wrote task results.
final class ResultCommits: TransactionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var inserted = false
    private var commits = 0

    var count: Int { lock.withLock { commits } }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        if case .insert(let table) = eventKind { return table == "task_results" }
        return false
    }

    func databaseDidChange(with event: DatabaseEvent) { lock.withLock { inserted = true } }

    func databaseDidCommit(_ db: Database) {
        lock.withLock {
            if inserted { commits += 1 }
            inserted = false
        }
    }

    func databaseDidRollback(_ db: Database) { lock.withLock { inserted = false } }
}

@Suite("run recording")
struct RecorderTests {
    @Test("a run is recorded with its metadata, recap and results; secrets and no_log output never reach the store")
    func recording() async throws {
        let temp = try TemporaryStore("record")
        defer { temp.close() }
        let id = try await record(temp.store, [
            report("web1", "install", .changed, stdout: "installed\n", stderr: "", rc: 0),
            report("web2", "install", .failed, stdout: "", stderr: "E: no space\n", rc: 100, msg: "non-zero return code"),
            report("web1", "secret", .changed, stdout: "the password is hunter2", rc: 0, noLog: true),
            report("web1", "skip me", .skipped, msg: "Conditional result was False", module: "debug"),
        ], info: runInfo("deploy.yml", extraVars: [("db_password", .string("hunter2")), ("version", .string("1.2"))]))

        let run = try await temp.store.run(id)
        #expect(run.status == .failed)
        #expect(run.playbook == "/srv/playbooks/deploy.yml")
        #expect(run.hosts == 2 && run.failedHosts == 1 && run.changedTasks == 2)
        #expect(run.endedAt != nil)
        let recap = try await temp.store.recap(id)
        #expect(recap.map(\.host) == ["web1", "web2"])
        #expect(recap[0].stats.changed == 2 && recap[0].stats.skipped == 1 && recap[1].stats.failed == 1)

        let results = try await temp.store.results(id)
        #expect(results.map(\.task) == ["install", "install", "secret", "skip me"])
        let failed = try #require(results.first { $0.host == "web2" })
        #expect(failed.status == .failed && failed.rc == 100 && failed.msg == "non-zero return code")
        #expect(try await temp.store.output(resultID: failed.id, stderr: true) == Array("E: no space\n".utf8))

        let secret = try #require(results.first { $0.task == "secret" })
        #expect(!secret.result.contains("hunter2"))
        #expect(secret.result.contains("censored"))
        #expect(try await temp.store.output(resultID: secret.id, stderr: false).isEmpty)

        let extraVars = try await temp.database().read { db in
            try String.fetchOne(db, sql: "SELECT extra_vars FROM runs WHERE id = ?", arguments: [id])
        }
        #expect(extraVars?.contains("hunter2") == false)
        #expect(extraVars?.contains("1.2") == true)
        // Nothing of the secret anywhere in the database file.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: temp.home + "/drover.sqlite"))
            + ((try? Data(contentsOf: URL(fileURLWithPath: temp.home + "/drover.sqlite-wal"))) ?? Data())
        #expect(bytes.range(of: Data("hunter2".utf8)) == nil)
    }

    @Test("10,000 results are written in batches, not one transaction each")
    func batching() async throws {
        let temp = try TemporaryStore("batch")
        defer { temp.close() }
        let commits = ResultCommits()
        temp.store.pool.add(transactionObserver: commits)
        let reports = (0..<10_000).map { i in
            report("h\(i % 20)", "task \(i / 20)", i % 7 == 0 ? .changed : .ok, stdout: "line \(i)", rc: 0)
        }
        let started = ContinuousClock.now
        let id = try await record(temp.store, reports)
        let elapsed = ContinuousClock.now - started
        let count = try await temp.database().read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_results WHERE run_id = ?", arguments: [id])
        }
        #expect(count == 10_000)
        #expect(commits.count >= 1 && commits.count <= 10_000 / 250 + 2, "\(commits.count) commits")
        // Order of arrival is kept.
        let seqs = try await temp.database().read { db in
            try Int.fetchAll(db, sql: "SELECT seq FROM task_results WHERE run_id = ? ORDER BY id", arguments: [id])
        }
        #expect(seqs == Array(1...10_000))
        print("recorded 10,000 results in \(elapsed) over \(commits.count) transactions")
    }

    @Test("outputs over 64 KiB go to a content-addressed blob and come back byte for byte; equal ones are stored once")
    func blobs() async throws {
        let temp = try TemporaryStore("blobs")
        defer { temp.close() }
        let big = String((0..<9_000).map { "line \($0): é ü 漢字 🚀\n" }.joined())
        #expect(big.utf8.count > RunRecorder.inlineLimit)
        let small = String(repeating: "x", count: RunRecorder.inlineLimit)  // exactly the limit: inline
        let id = try await record(temp.store, [
            report("h1", "big", .changed, stdout: big, stderr: big, rc: 0),
            report("h2", "big", .changed, stdout: big, rc: 0),
            report("h1", "small", .changed, stdout: small, rc: 0),
        ])
        let results = try await temp.store.results(id)
        for result in results where result.task == "big" {
            #expect(try await temp.store.output(resultID: result.id, stderr: false) == Array(big.utf8))
        }
        #expect(try await temp.store.output(resultID: results[0].id, stderr: true) == Array(big.utf8))
        let small1 = try #require(results.first { $0.task == "small" })
        #expect(try await temp.store.output(resultID: small1.id, stderr: false) == Array(small.utf8))
        let (refs, inlineBig, blobColumns) = try await temp.database().read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM blob_refs") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_results WHERE length(stdout) > 65536") ?? -1,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_results WHERE stdout_blob IS NOT NULL") ?? -1)
        }
        #expect(refs == 1)
        #expect(inlineBig == 0)
        #expect(blobColumns == 2)
        let files = try FileManager.default.subpathsOfDirectory(atPath: temp.home + "/blobs").filter { $0.count > 3 }
        #expect(files.count == 1)
    }

    @Test("a run recorded before instances, left running by a dead controller, becomes interrupted; one of a live process stays running")
    func interrupted() async throws {
        let temp = try TemporaryStore("interrupted")
        defer { temp.close() }
        let recorder = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        await recorder.hostReported(report("h1", "first", .changed, stdout: "done", rc: 0))
        await recorder.flush()
        let other = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        // The first run's controller died (no such pid); the other's is alive
        // (pid 1). Rows from before instances have no instance id.
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE runs SET instance_id = NULL")
            try db.execute(sql: "UPDATE runs SET pid = 2000000000 WHERE id = ?", arguments: [recorder.runID])
            try db.execute(sql: "UPDATE runs SET pid = 1 WHERE id = ?", arguments: [other.runID])
        }
        #expect(try await temp.store.markInterruptedRuns() == 1)
        let dead = try await temp.store.run(recorder.runID)
        #expect(dead.status == .interrupted)
        #expect(dead.endedAt != nil)
        #expect(try await temp.store.results(recorder.runID).count == 1)
        #expect(try await temp.store.run(other.runID).status == .running)
        // Opening the store again (as the next `drover` does) changes nothing more.
        #expect(try await Store(home: temp.home).markInterruptedRuns() == 0)
    }

    @Test("runs are listed newest first and filtered by status, playbook, host and start")
    func filters() async throws {
        let temp = try TemporaryStore("filters")
        defer { temp.close() }
        let a = try await record(temp.store, [report("web1", "t", .ok)], info: runInfo("web.yml"))
        let b = try await record(temp.store, [report("db1", "t", .failed, rc: 1)], info: runInfo("db.yml"))
        let c = try await record(temp.store, [report("web1", "t", .changed), report("db1", "t", .ok)], info: runInfo("web.yml"))
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE runs SET started_at = ? WHERE id = ?", arguments: [Date(timeIntervalSinceNow: -10 * 86400), a])
        }
        func ids(_ change: (inout RunFilter) -> Void) throws -> [Int64] {
            var filter = RunFilter()
            change(&filter)
            return try temp.store.runs(filter).map(\.id)
        }
        #expect(try ids { _ in } == [c, b, a])
        #expect(try ids { $0.status = .failed } == [b])
        #expect(try ids { $0.status = .succeeded } == [c, a])
        #expect(try ids { $0.playbook = "web" } == [c, a])
        #expect(try ids { $0.host = "db1" } == [c, b])
        #expect(try ids { $0.since = Date(timeIntervalSinceNow: -86400) } == [c, b])
        #expect(try ids { $0.limit = 1 } == [c])
        #expect(try ids { $0.host = "nowhere" }.isEmpty)
        let summary = try #require(try await temp.store.runs(RunFilter()).first)
        #expect(summary.hosts == 2 && summary.changedTasks == 1 && summary.failedHosts == 0)
    }
}
