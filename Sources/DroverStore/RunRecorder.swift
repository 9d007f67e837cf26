import DroverCore
import Foundation
import GRDB

/// Records a run while it happens: every event is passed on to the next
/// observer (the console) and queued; queued results are written many per
/// transaction (every 250 rows or 1 s), so recording does not slow the run.
///
/// Whoever ends the run calls `finish(status:recap:)` once, on every path
/// (success, failure, a thrown error, a cancel): until then the run stays
/// `running`, and the recorder keeps the controller's heartbeat going.
public actor RunRecorder: RunObserver {
    public nonisolated let runID: Int64
    let store: Store
    let next: any RunObserver
    private var pending: [ResultRow] = []
    private var sequence = 0
    private var play = ""
    /// Task numbers (`task_index`) in order of first appearance, by TaskID.
    private var taskIndexes: [String: Int] = [:]
    private var lastTaskIndex = 0
    private var flushScheduled = false
    private var finished = false
    private var recap: RunRecap?
    private var heartbeat: Swift.Task<Void, Never>?
    /// The last write of queued results (see `flush`).
    private var lastWrite: Swift.Task<Result<Duration, any Error>, Never>?
    /// What recording cost: results written, transactions, time spent writing.
    public private(set) var recordedResults = 0
    public private(set) var transactions = 0
    public private(set) var writeTime: Duration = .zero
    /// Results bigger than this go to the blob directory.
    static let inlineLimit = 64 * 1024

    public static func start(store: Store, info: RunInfo, forwardingTo next: any RunObserver) async throws -> RunRecorder {
        let instance = store.instanceID.uuidString
        let id = try await store.pool.write { db -> Int64 in
            if let queued = info.queuedRunID {
                try Store.startQueued(db, run: queued, instance: instance)
                return queued
            }
            return try Store.insertRun(db, info, instance: instance, status: .running)
        }
        let recorder = RunRecorder(runID: id, store: store, next: next)
        await recorder.startHeartbeat()
        return recorder
    }

    init(runID: Int64, store: Store, next: any RunObserver) {
        self.runID = runID
        self.store = store
        self.next = next
    }

    /// Beats for the controller while the run goes on, so another
    /// controller never takes a long run for an abandoned one.
    /// Holds the recorder weakly: a recorder dropped without `finish`
    /// stops beating (and its run is, rightly, taken for abandoned).
    private func startHeartbeat() {
        heartbeat = Swift.Task { [weak self] in
            while !Swift.Task.isCancelled, let store = self?.store {
                try? await store.heartbeat()
                try? await Swift.Task.sleep(for: Store.heartbeatInterval)
            }
        }
    }

    deinit {
        heartbeat?.cancel()
    }

    public func playStarted(_ play: Play, hosts: [String]) async {
        self.play = play.name ?? play.hosts
        await next.playStarted(play, hosts: hosts)
    }

    public func taskStarted(_ title: String, id: TaskID, task: DroverCore.Task?, hosts: Int, handler: Bool) async {
        index(for: id, title: title)
        await next.taskStarted(title, id: id, task: task, hosts: hosts, handler: handler)
    }

    /// A task's number in the run. Tasks built outside a playbook have no
    /// position: their title tells them apart.
    @discardableResult
    private func index(for id: TaskID, title: String) -> Int {
        let key = id == .unplaced ? "title:" + title : id.description
        if let i = taskIndexes[key] { return i }
        lastTaskIndex += 1
        taskIndexes[key] = lastTaskIndex
        return lastTaskIndex
    }

    public func hostReported(_ report: HostTaskReport) async {
        sequence += 1
        pending.append(ResultRow(report, play: play, taskIndex: index(for: report.taskID, title: report.task), sequence: sequence))
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

    public func outputChunk(_ chunk: OutputChunk) async {
        await next.outputChunk(chunk)
    }

    public func message(_ text: String) async {
        await next.message(text)
    }

    /// The engine's recap: its counts are written now; the run's status is
    /// left to whoever ends the run (`finish`).
    public func runFinished(_ recap: RunRecap) async {
        self.recap = recap
        await flush()
        await writeRecap(recap)
        await next.runFinished(recap)
    }

    /// Ends the run with `status` (and the recap's counts, when given and
    /// not written yet). Only the first call counts, so calling it on every
    /// path, error paths included, is safe.
    public func finish(status: RunStatus, recap: RunRecap? = nil) async {
        guard !finished else { return }
        finished = true
        heartbeat?.cancel()
        await flush()
        if let recap, self.recap == nil { await writeRecap(recap) }
        let id = runID
        do {
            try await store.pool.write { db in
                try db.execute(sql: "UPDATE runs SET status = ?, ended_at = ? WHERE id = ?", arguments: [status.rawValue, Date(), id])
            }
        } catch {
            await next.message("warning: the run's status (\(status.rawValue)) could not be recorded: \(error)")
        }
    }

    private func writeRecap(_ recap: RunRecap) async {
        let id = runID
        let hosts = recap.hosts.map { ($0.name, $0.stats) }
        do {
            try await store.pool.write { db in
                for (host, stats) in hosts { try Store.writeHostStats(db, run: id, host: host, stats) }
            }
        } catch {
            await next.message("warning: the run's recap could not be recorded: \(error)")
        }
    }

    /// Writes what is queued: the blob files first (off the cooperative
    /// pool, outside any transaction), then the rows in one transaction,
    /// so the write lock is never held while files are written.
    ///
    /// Writes are chained (each waits for the one before), and a flush
    /// returns only when every earlier write is done: `finish` after a
    /// flush still in flight (the actor is reentrant) sees all results.
    func flush() async {
        flushScheduled = false
        let rows = pending
        pending = []
        let previous = lastWrite
        guard !rows.isEmpty else {
            _ = await previous?.value
            return
        }
        let id = runID
        let store = self.store
        let write = Swift.Task { () -> Result<Duration, any Error> in
            _ = await previous?.value
            let clock = ContinuousClock()
            let start = clock.now
            do {
                let blobs = store.blobs
                let written = try await BlobStore.offThePool { try rows.map { try $0.writeBlobs(to: blobs) } }
                try await store.pool.write { db in
                    for (row, rowBlobs) in zip(rows, written) { try row.insert(into: db, run: id, blobs: rowBlobs, store: blobs) }
                }
                return .success(clock.now - start)
            } catch {
                return .failure(error)
            }
        }
        lastWrite = write
        switch await write.value {
        case .success(let duration):
            recordedResults += rows.count
            transactions += 1
            writeTime += duration
        case .failure(let error):
            await next.message("warning: results could not be recorded: \(error)")
        }
    }
}
