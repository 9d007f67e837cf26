import DroverCore
import Foundation
import GRDB

/// A recorded run, as listed by `drover runs`.
public struct RunSummary: Sendable {
    public var id: Int64
    public var kind: RunKind
    public var parentRunID: Int64?
    public var playbook: String
    public var status: RunStatus
    public var checkMode: Bool
    public var user: String
    public var startedAt: Date
    public var endedAt: Date?
    public var hosts: Int
    public var failedHosts: Int
    public var changedTasks: Int
    /// The job template of a server launch; nil for the CLI's runs.
    public var template: String? = nil
    /// The run's limit pattern and extra vars (JSON, secrets masked), as recorded.
    public var limit: String? = nil
    public var extraVars: String = "{}"
}

/// Filters for `drover runs`.
public struct RunFilter: Sendable {
    public var status: RunStatus?
    public var playbook: String?
    public var host: String?
    public var since: Date?
    public var limit = 50

    public init() {}
}

/// One stored task result.
public struct StoredResult: Sendable {
    public var id: Int64
    public var taskIndex: Int
    /// Nil for results recorded before task ids.
    public var taskID: TaskID?
    public var play: String
    public var task: String
    public var module: String
    public var host: String
    public var item: String?
    public var status: TaskStatus
    public var ignored: Bool
    /// Failed inside a block whose `rescue` handled it.
    public var rescued: Bool
    public var rc: Int?
    public var msg: String?
    public var result: String
    public var diff: String?
    public var location: String?
}

// Each query is one function of a `Database`, run synchronously (for the
// CLI) or through GRDB's async access (for the server).
extension Store {
    public func runs(_ filter: RunFilter) throws -> [RunSummary] {
        try pool.read { try Self.runs($0, filter) }
    }

    public func runs(_ filter: RunFilter) async throws -> [RunSummary] {
        try await pool.read { try Self.runs($0, filter) }
    }

    public func run(_ id: Int64) throws -> RunSummary {
        try pool.read { try Self.run($0, id) }
    }

    public func run(_ id: Int64) async throws -> RunSummary {
        try await pool.read { try Self.run($0, id) }
    }

    /// Per host recap counts of a run.
    public func recap(_ id: Int64) throws -> [(host: String, stats: HostStats)] {
        try pool.read { try Self.recap($0, id) }
    }

    public func recap(_ id: Int64) async throws -> [(host: String, stats: HostStats)] {
        try await pool.read { try Self.recap($0, id) }
    }

    /// A run's task results in task order, then host.
    public func results(_ id: Int64, host: String? = nil, statuses: [TaskStatus]? = nil) throws -> [StoredResult] {
        try pool.read { try Self.results($0, id, host: host, statuses: statuses) }
    }

    public func results(_ id: Int64, host: String? = nil, statuses: [TaskStatus]? = nil) async throws -> [StoredResult] {
        try await pool.read { try Self.results($0, id, host: host, statuses: statuses) }
    }

    /// The exact stdout or stderr bytes of one result (inline or from its blob).
    public func output(resultID: Int64, stderr: Bool) throws -> [UInt8] {
        let blobs = self.blobs
        return try pool.read { try Self.output($0, resultID: resultID, stderr: stderr, blobs: blobs) }
    }

    /// The blob file is read on GRDB's reader queue too, off the cooperative pool.
    public func output(resultID: Int64, stderr: Bool) async throws -> [UInt8] {
        let blobs = self.blobs
        return try await pool.read { try Self.output($0, resultID: resultID, stderr: stderr, blobs: blobs) }
    }

    static let summarySQL = """
        SELECT r.*,
          (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id) AS hosts,
          (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id AND (h.failed > 0 OR h.unreachable > 0)) AS failed_hosts,
          (SELECT COALESCE(SUM(h.changed), 0) FROM run_hosts h WHERE h.run_id = r.id) AS changed_tasks
        FROM runs r
        """

    static func runs(_ db: Database, _ filter: RunFilter) throws -> [RunSummary] {
        var clauses: [String] = []
        var arguments: StatementArguments = []
        if let status = filter.status { clauses.append("r.status = ?"); _ = arguments.append(contentsOf: [status.rawValue]) }
        if let playbook = filter.playbook { clauses.append("r.playbook LIKE ?"); _ = arguments.append(contentsOf: ["%\(playbook)%"]) }
        if let host = filter.host {
            clauses.append("EXISTS (SELECT 1 FROM run_hosts h WHERE h.run_id = r.id AND h.host = ?)")
            _ = arguments.append(contentsOf: [host])
        }
        if let since = filter.since { clauses.append("r.started_at >= ?"); _ = arguments.append(contentsOf: [since]) }
        let whereSQL = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
        _ = arguments.append(contentsOf: [filter.limit])
        return try Row.fetchAll(db, sql: summarySQL + whereSQL + " ORDER BY r.id DESC LIMIT ?", arguments: arguments).map(summary)
    }

    static func run(_ db: Database, _ id: Int64) throws -> RunSummary {
        guard let found = try Row.fetchOne(db, sql: summarySQL + " WHERE r.id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "no run \(id): `drover runs` lists the recorded ones")
        }
        return summary(found)
    }

    static func recap(_ db: Database, _ id: Int64) throws -> [(host: String, stats: HostStats)] {
        try Row.fetchAll(db, sql: "SELECT * FROM run_hosts WHERE run_id = ? ORDER BY host", arguments: [id]).map { row in
            (row["host"], HostStats(ok: row["ok"], changed: row["changed"], unreachable: row["unreachable"], failed: row["failed"],
                                    skipped: row["skipped"], rescued: row["rescued"], ignored: row["ignored"], cancelled: row["cancelled"]))
        }
    }

    static func results(_ db: Database, _ id: Int64, host: String?, statuses: [TaskStatus]?) throws -> [StoredResult] {
        var sql = "SELECT * FROM task_results WHERE run_id = ?"
        var arguments: StatementArguments = [id]
        if let host { sql += " AND host = ?"; _ = arguments.append(contentsOf: [host]) }
        if let statuses {
            sql += " AND status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
            _ = arguments.append(contentsOf: StatementArguments(statuses.map(\.rawValue)))
        }
        sql += " ORDER BY task_index, host, seq"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(storedResult)
    }

    static func storedResult(_ row: Row) -> StoredResult {
        StoredResult(id: row["id"], taskIndex: row["task_index"], taskID: (row["task_id"] as String?).flatMap(TaskID.init),
                     play: row["play"], task: row["task"], module: row["module"], host: row["host"], item: row["item"],
                     status: taskStatus(row["status"]), ignored: row["ignored"], rescued: row["rescued"], rc: row["rc"],
                     msg: row["msg"], result: row["result"], diff: row["diff"], location: row["location"])
    }

    static func output(_ db: Database, resultID: Int64, stderr: Bool, blobs: BlobStore) throws -> [UInt8] {
        let column = stderr ? "stderr" : "stdout"
        guard let row = try Row.fetchOne(db, sql: "SELECT \(column) AS inline, \(column)_blob AS blob FROM task_results WHERE id = ?",
                                         arguments: [resultID]) else {
            throw StoreError(.notFound, "no result \(resultID)")
        }
        if let digest: String = row["blob"] { return try blobs.get(digest) }
        let data: Data? = row["inline"]
        return data.map(Array.init) ?? []
    }

    static func summary(_ row: Row) -> RunSummary {
        RunSummary(id: row["id"], kind: RunKind(rawValue: row["kind"]) ?? .run, parentRunID: row["parent_run_id"], playbook: row["playbook"],
                   status: runStatus(row["status"]), checkMode: row["check_mode"], user: row["user"], startedAt: row["started_at"],
                   endedAt: row["ended_at"], hosts: row["hosts"], failedHosts: row["failed_hosts"], changedTasks: row["changed_tasks"],
                   template: row["template"], limit: row["limit_pattern"], extraVars: row["extra_vars"])
    }

    /// A status this version does not know (written by a newer one) reads
    /// as failed: never as a success.
    static func runStatus(_ text: String) -> RunStatus { RunStatus(rawValue: text) ?? .failed }
    static func taskStatus(_ text: String) -> TaskStatus { TaskStatus(rawValue: text) ?? .failed }
}
