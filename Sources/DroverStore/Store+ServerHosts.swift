import DroverCore
import Foundation
import GRDB

/// A host as the runs saw it: the hosts API's list entry.
public struct HostOverview: Sendable, Equatable {
    public var name: String
    public var runs: Int
    public var lastRunID: Int64
    public var lastRunStatus: RunStatus
    public var lastRunStartedAt: Date
}

/// One host in full: its latest run per template, the facts its latest
/// gathering found, and who holds it now.
public struct HostDetail: Sendable {
    public var summary: HostOverview
    /// (template, run, status, started); a CLI run's template is nil.
    public var lastRuns: [(template: String?, runID: Int64, status: RunStatus, startedAt: Date)]
    /// `ansible_facts` of the latest successful gathering, as JSON text.
    public var factsJSON: String?
    public var lease: HostLease?
}

extension Store {
    /// Hosts by name after `afterName` (the keyset cursor), at most `limit`.
    public func hostPage(afterName: String?, limit: Int) async throws -> [HostOverview] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.host, COUNT(*) AS runs, MAX(h.run_id) AS last_run
                FROM run_hosts h WHERE h.host > ? GROUP BY h.host ORDER BY h.host LIMIT ?
                """, arguments: [afterName ?? "", limit]).compactMap { row in
                try Self.summary(db, name: row["host"], runs: row["runs"], lastRun: row["last_run"])
            }
        }
    }

    /// Whether any run recorded the host.
    public func hostExists(_ name: String) async throws -> Bool {
        try await pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM run_hosts WHERE host = ? LIMIT 1", arguments: [name]) ?? false
        }
    }

    /// The host, or nil when no run recorded it.
    public func host(_ name: String, now: Date = Date()) async throws -> HostDetail? {
        let lease = try await hostLeases(now: now).first { $0.host == name }
        return try await pool.read { db -> HostDetail? in
            guard let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS runs, MAX(run_id) AS last_run FROM run_hosts WHERE host = ?",
                                             arguments: [name]),
                  let lastRun: Int64 = row["last_run"],
                  let summary = try Self.summary(db, name: name, runs: row["runs"], lastRun: lastRun) else { return nil }
            let lastRuns = try Row.fetchAll(db, sql: """
                SELECT r.template, r.id, r.status, r.started_at FROM runs r
                WHERE r.id IN (SELECT MAX(r2.id) FROM runs r2 JOIN run_hosts h ON h.run_id = r2.id WHERE h.host = ? GROUP BY r2.template)
                ORDER BY r.id DESC
                """, arguments: [name]).map { row in
                (template: row["template"] as String?, runID: row["id"] as Int64, status: Self.runStatus(row["status"]),
                 startedAt: row["started_at"] as Date)
            }
            // no_log gatherings are censored: they hold no facts, and are skipped.
            let facts = try String.fetchOne(db, sql: """
                SELECT json_extract(result, '$.ansible_facts') FROM task_results
                WHERE host = ? AND module = 'setup' AND status IN ('ok', 'changed')
                  AND json_extract(result, '$.ansible_facts') IS NOT NULL
                ORDER BY id DESC LIMIT 1
                """, arguments: [name])
            return HostDetail(summary: summary, lastRuns: lastRuns, factsJSON: facts, lease: lease)
        }
    }

    private static func summary(_ db: Database, name: String, runs: Int, lastRun: Int64) throws -> HostOverview? {
        guard let run = try Row.fetchOne(db, sql: "SELECT status, started_at FROM runs WHERE id = ?", arguments: [lastRun]) else { return nil }
        return HostOverview(name: name, runs: runs, lastRunID: lastRun, lastRunStatus: runStatus(run["status"]),
                           lastRunStartedAt: run["started_at"])
    }
}
