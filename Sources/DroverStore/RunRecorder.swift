import DroverCore
import DroverEngine
import Foundation
import GRDB

/// Records a run while it happens: every event is passed on to the next
/// observer (the console) and queued; queued results are written many per
/// transaction (every 250 rows or 1 s), so recording does not slow the run.
public actor RunRecorder: RunObserver {
    public nonisolated let runID: Int64
    let store: Store
    let next: any RunObserver
    private var pending: [ResultRow] = []
    private var sequence = 0
    private var play = ""
    private var taskIndexes: [String: Int] = [:]
    private var lastTaskIndex = 0
    private var flushScheduled = false
    /// What recording cost: results written, transactions, time spent writing.
    public private(set) var recordedResults = 0
    public private(set) var transactions = 0
    public private(set) var writeTime: Duration = .zero
    /// Results bigger than this go to the blob directory.
    static let inlineLimit = 64 * 1024

    public static func start(store: Store, info: RunInfo, forwardingTo next: any RunObserver) async throws -> RunRecorder {
        let id = try await store.pool.write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO runs (kind, parent_run_id, playbook, playbook_sha256, inventory, limit_pattern, extra_vars,
                                  user, host_name, pid, check_mode, started_at, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running')
                """, arguments: [info.kind, info.parentRunID, info.playbook, info.playbookSHA256,
                                 info.inventory.joined(separator: ","), info.limit, info.redactedExtraVars, info.user,
                                 ProcessInfo.processInfo.hostName, Int(getpid()), info.checkMode, Date()])
            return db.lastInsertedRowID
        }
        return RunRecorder(runID: id, store: store, next: next)
    }

    init(runID: Int64, store: Store, next: any RunObserver) {
        self.runID = runID
        self.store = store
        self.next = next
    }

    public func playStarted(_ play: Play, hosts: [String]) async {
        self.play = play.name ?? play.hosts
        taskIndexes = [:]
        await next.playStarted(play, hosts: hosts)
    }

    public func taskStarted(_ title: String, task: DroverCore.Task?, hosts: Int, handler: Bool) async {
        index(for: title)
        await next.taskStarted(title, task: task, hosts: hosts, handler: handler)
    }

    @discardableResult
    private func index(for title: String) -> Int {
        if let i = taskIndexes[title] { return i }
        lastTaskIndex += 1
        taskIndexes[title] = lastTaskIndex
        return lastTaskIndex
    }

    public func hostReported(_ report: HostTaskReport) async {
        sequence += 1
        pending.append(ResultRow(report, play: play, taskIndex: index(for: report.task), sequence: sequence))
        if pending.count >= 250 {
            await flush()
        } else if !flushScheduled {
            flushScheduled = true
            Swift.Task { [weak self] in
                try? await Swift.Task.sleep(for: .seconds(1))
                await self?.flush()
            }
        }
        await next.hostReported(report)
    }

    public func message(_ text: String) async {
        await next.message(text)
    }

    public func runFinished(_ recap: RunRecap) async {
        await flush()
        await finish(status: recap.exitCode == 0 ? "succeeded" : "failed", recap: recap)
        await next.runFinished(recap)
    }

    /// Ends the run with `status` (also used for interrupted runs).
    public func finish(status: String, recap: RunRecap?) async {
        await flush()
        let id = runID
        let hosts = recap?.hosts.map { ($0.name, $0.stats) } ?? []
        do {
            try await store.pool.write { db in
                for (host, s) in hosts {
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO run_hosts (run_id, host, ok, changed, unreachable, failed, skipped, rescued, ignored)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [id, host, s.ok, s.changed, s.unreachable, s.failed, s.skipped, s.rescued, s.ignored])
                }
                try db.execute(sql: "UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", arguments: [status, Date(), id])
            }
        } catch {
            await next.message("warning: the run could not be recorded: \(error)")
        }
    }

    /// Writes what is queued in one transaction.
    func flush() async {
        flushScheduled = false
        guard !pending.isEmpty else { return }
        let rows = pending
        pending = []
        let id = runID
        let blobs = store.blobs
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await store.pool.write { db in
                for row in rows { try row.insert(into: db, run: id, blobs: blobs) }
            }
            recordedResults += rows.count
            transactions += 1
            writeTime += clock.now - start
        } catch {
            await next.message("warning: results could not be recorded: \(error)")
        }
    }
}
