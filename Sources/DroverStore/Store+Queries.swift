import Foundation
import GRDB

/// A recorded run, as listed by `drover runs`.
public struct RunSummary: Sendable {
    public var id: Int64
    public var kind: String
    public var parentRunID: Int64?
    public var playbook: String
    public var status: String
    public var checkMode: Bool
    public var user: String
    public var startedAt: Date
    public var endedAt: Date?
    public var hosts: Int
    public var failedHosts: Int
    public var changedTasks: Int
}

/// Filters for `drover runs`.
public struct RunFilter: Sendable {
    public var status: String?
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
    public var play: String
    public var task: String
    public var module: String
    public var host: String
    public var item: String?
    public var status: String
    public var ignored: Bool
    /// Failed inside a block whose `rescue` handled it.
    public var rescued: Bool
    public var rc: Int?
    public var msg: String?
    public var result: String
    public var diff: String?
    public var location: String?
}

extension Store {
    public func runs(_ filter: RunFilter) throws -> [RunSummary] {
        try pool.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let status = filter.status { clauses.append("r.status = ?"); _ = arguments.append(contentsOf: [status]) }
            if let playbook = filter.playbook { clauses.append("r.playbook LIKE ?"); _ = arguments.append(contentsOf: ["%\(playbook)%"]) }
            if let host = filter.host {
                clauses.append("EXISTS (SELECT 1 FROM run_hosts h WHERE h.run_id = r.id AND h.host = ?)")
                _ = arguments.append(contentsOf: [host])
            }
            if let since = filter.since { clauses.append("r.started_at >= ?"); _ = arguments.append(contentsOf: [since]) }
            let whereSQL = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            _ = arguments.append(contentsOf: [filter.limit])
            let rows = try Row.fetchAll(db, sql: """
                SELECT r.*,
                  (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id) AS hosts,
                  (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id AND (h.failed > 0 OR h.unreachable > 0)) AS failed_hosts,
                  (SELECT COALESCE(SUM(h.changed), 0) FROM run_hosts h WHERE h.run_id = r.id) AS changed_tasks
                FROM runs r \(whereSQL) ORDER BY r.id DESC LIMIT ?
                """, arguments: arguments)
            return rows.map(Self.summary)
        }
    }

    public func run(_ id: Int64) throws -> RunSummary {
        let found = try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT r.*,
                  (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id) AS hosts,
                  (SELECT COUNT(*) FROM run_hosts h WHERE h.run_id = r.id AND (h.failed > 0 OR h.unreachable > 0)) AS failed_hosts,
                  (SELECT COALESCE(SUM(h.changed), 0) FROM run_hosts h WHERE h.run_id = r.id) AS changed_tasks
                FROM runs r WHERE r.id = ?
                """, arguments: [id])
        }
        guard let found else { throw StoreError(.notFound, "no run \(id): `drover runs` lists the recorded ones") }
        return Self.summary(found)
    }

    /// Per host recap counts of a run.
    public func recap(_ id: Int64) throws -> [(host: String, counts: [String: Int])] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run_hosts WHERE run_id = ? ORDER BY host", arguments: [id]).map { row in
                var counts: [String: Int] = [:]
                for name in ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"] { counts[name] = row[name] }
                return (row["host"], counts)
            }
        }
    }

    /// A run's task results in task order, then host.
    public func results(_ id: Int64, host: String? = nil, statuses: [String]? = nil) throws -> [StoredResult] {
        try pool.read { db in
            var sql = "SELECT * FROM task_results WHERE run_id = ?"
            var arguments: StatementArguments = [id]
            if let host { sql += " AND host = ?"; _ = arguments.append(contentsOf: [host]) }
            if let statuses {
                sql += " AND status IN (" + statuses.map { _ in "?" }.joined(separator: ", ") + ")"
                _ = arguments.append(contentsOf: StatementArguments(statuses))
            }
            sql += " ORDER BY task_index, host, seq"
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                StoredResult(id: row["id"], taskIndex: row["task_index"], play: row["play"], task: row["task"], module: row["module"],
                             host: row["host"], item: row["item"], status: row["status"], ignored: row["ignored"], rescued: row["rescued"], rc: row["rc"],
                             msg: row["msg"], result: row["result"], diff: row["diff"], location: row["location"])
            }
        }
    }

    /// The exact stdout or stderr bytes of one result (inline or from its blob).
    public func output(resultID: Int64, stderr: Bool) throws -> [UInt8] {
        let column = stderr ? "stderr" : "stdout"
        let row = try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(column) AS inline, \(column)_blob AS blob FROM task_results WHERE id = ?", arguments: [resultID])
        }
        guard let row else { throw StoreError(.notFound, "no result \(resultID)") }
        if let digest: String = row["blob"] { return try blobs.get(digest) }
        let data: Data? = row["inline"]
        return data.map(Array.init) ?? []
    }

    static func summary(_ row: Row) -> RunSummary {
        RunSummary(id: row["id"], kind: row["kind"], parentRunID: row["parent_run_id"], playbook: row["playbook"],
                   status: row["status"], checkMode: row["check_mode"], user: row["user"], startedAt: row["started_at"],
                   endedAt: row["ended_at"], hosts: row["hosts"], failedHosts: row["failed_hosts"], changedTasks: row["changed_tasks"])
    }
}
