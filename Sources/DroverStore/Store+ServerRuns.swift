import DroverCore
import Foundation
import GRDB

/// A launch the server accepted but has not started: what it asked for
/// (JSON, secret answers masked) and whether it had secret answers, which
/// were never stored and so cannot be given again after a restart.
public struct QueuedLaunch: Sendable {
    public var runID: Int64
    public var template: String
    public var parameters: String
    public var hasSecrets: Bool
}

/// One page of the server's run list: newest first, after a keyset cursor
/// (the last id of the page before), so a page costs the same at any depth.
public struct RunPageQuery: Sendable {
    public var status: RunStatus?
    public var template: String?
    public var host: String?
    public var since: Date?
    public var until: Date?
    /// Only runs with a smaller id (the cursor); nil: from the newest.
    public var beforeID: Int64?
    public var limit = 50

    public init() {}
}

// The server's queue and its run lists; async only (the server never
// blocks the cooperative pool).
extension Store {
    /// Records a run as `queued` (it survives a restart) with its launch.
    public func queueRun(_ info: RunInfo, template: String, parameters: String, hasSecrets: Bool) async throws -> Int64 {
        let instance = instanceID.uuidString
        return try await pool.write { db in
            let id = try Self.insertRun(db, info, instance: instance, status: .queued)
            try db.execute(sql: "INSERT INTO run_launches (run_id, template, parameters, has_secrets, queued_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [id, template, parameters, hasSecrets, Date()])
            return id
        }
    }

    /// The run's row, as it starts (`running`) or waits (`queued`).
    static func insertRun(_ db: Database, _ info: RunInfo, instance: String, status: RunStatus) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO runs (kind, parent_run_id, playbook, playbook_sha256, inventory, limit_pattern, extra_vars,
                              user, host_name, pid, instance_id, check_mode, started_at, status, template)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [info.kind.rawValue, info.parentRunID, info.playbook, info.playbookSHA256,
                             info.inventory.joined(separator: ","), info.limit, info.redactedExtraVars, info.user,
                             ProcessInfo.processInfo.hostName, Int(getpid()), instance, info.checkMode, Date(),
                             status.rawValue, info.template])
        return db.lastInsertedRowID
    }

    /// A queued run starts: it becomes `running` under this controller.
    static func startQueued(_ db: Database, run: Int64, instance: String) throws {
        try db.execute(sql: """
            UPDATE runs SET status = ?, started_at = ?, instance_id = ?, pid = ?, host_name = ? WHERE id = ? AND status = ?
            """, arguments: [RunStatus.running.rawValue, Date(), instance, Int(getpid()), ProcessInfo.processInfo.hostName,
                             run, RunStatus.queued.rawValue])
        guard db.changesCount == 1 else {
            throw StoreError(.notFound, "run \(run) is not queued any more: it was started or ended elsewhere")
        }
    }

    /// Ends a run that never started (cancelled or refused while queued).
    /// False when it was not queued any more.
    @discardableResult
    public func endQueuedRun(_ run: Int64, status: RunStatus) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE runs SET status = ?, ended_at = ? WHERE id = ? AND status = ?",
                           arguments: [status.rawValue, Date(), run, RunStatus.queued.rawValue])
            return db.changesCount == 1
        }
    }

    /// Runs still queued, oldest first: the server starts them again.
    /// How a server launched this run (template and parameters), or nil
    /// for a run not launched from a template (the CLI's).
    public func launch(of runID: Int64) async throws -> QueuedLaunch? {
        try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM run_launches WHERE run_id = ?", arguments: [runID]).map { row in
                QueuedLaunch(runID: row["run_id"], template: row["template"], parameters: row["parameters"], hasSecrets: row["has_secrets"])
            }
        }
    }

    public func queuedLaunches() async throws -> [QueuedLaunch] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT l.* FROM run_launches l JOIN runs r ON r.id = l.run_id WHERE r.status = ? ORDER BY l.run_id
                """, arguments: [RunStatus.queued.rawValue]).map { row in
                QueuedLaunch(runID: row["run_id"], template: row["template"], parameters: row["parameters"], hasSecrets: row["has_secrets"])
            }
        }
    }

    /// One page of runs, newest first (see `RunPageQuery`); counts come
    /// from `run_hosts` in the same query, never one query per run.
    public func runPage(_ query: RunPageQuery) async throws -> [RunSummary] {
        try await pool.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            func add(_ clause: String, _ value: some DatabaseValueConvertible) {
                clauses.append(clause)
                _ = arguments.append(contentsOf: [value])
            }
            if let status = query.status { add("r.status = ?", status.rawValue) }
            if let template = query.template { add("r.template = ?", template) }
            if let host = query.host { add("EXISTS (SELECT 1 FROM run_hosts h WHERE h.run_id = r.id AND h.host = ?)", host) }
            if let since = query.since { add("r.started_at >= ?", since) }
            if let until = query.until { add("r.started_at < ?", until) }
            if let before = query.beforeID { add("r.id < ?", before) }
            let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: Self.summarySQL + whereSQL + " ORDER BY r.id DESC LIMIT ?", arguments: arguments).map(Self.summary)
        }
    }

    /// How many runs are in each status (for /metrics).
    public func runCountsByStatus() async throws -> [RunStatus: Int] {
        try await pool.read { db in
            var counts: [RunStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM runs GROUP BY status") {
                counts[Self.runStatus(row["status"]), default: 0] += row["n"] as Int
            }
            return counts
        }
    }
}

/// One page of a run's results in the order they arrived, after a keyset
/// cursor (the last result id of the page before).
public struct ResultPageQuery: Sendable {
    public var run: Int64
    public var host: String?
    public var status: TaskStatus?
    public var afterID: Int64?
    public var limit = 100

    public init(run: Int64) { self.run = run }
}

extension Store {
    public func resultPage(_ query: ResultPageQuery) async throws -> [StoredResult] {
        try await pool.read { db in
            var sql = "SELECT * FROM task_results WHERE run_id = ?"
            var arguments: StatementArguments = [query.run]
            if let host = query.host { sql += " AND host = ?"; _ = arguments.append(contentsOf: [host]) }
            if let status = query.status { sql += " AND status = ?"; _ = arguments.append(contentsOf: [status.rawValue]) }
            if let after = query.afterID { sql += " AND id > ?"; _ = arguments.append(contentsOf: [after]) }
            _ = arguments.append(contentsOf: [query.limit])
            return try Row.fetchAll(db, sql: sql + " ORDER BY id LIMIT ?", arguments: arguments).map(Self.storedResult)
        }
    }

    /// Whether result `id` belongs to run `run` (an output URL names both).
    public func resultBelongs(_ id: Int64, to run: Int64) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM task_results WHERE id = ? AND run_id = ?", arguments: [id, run]) ?? false
        }
    }
}
