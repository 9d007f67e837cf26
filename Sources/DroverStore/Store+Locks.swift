import Foundation
import GRDB

/// Host leases: at most one run changes a host at a time, across every
/// controller that shares the store. A lease has an expiry that the
/// holding run pushes forward (`renewHostLeases`) while it runs, so a
/// controller that dies frees its hosts after the TTL. Time is passed in
/// (`now`) so callers and tests control it.
extension Store {
    /// Leases every host in `hosts` to `run`, or none: in one immediate
    /// transaction (other writers wait), hosts held by another run past
    /// `now` are conflicts and nothing is written; expired leases are
    /// taken over; hosts the run already holds are renewed.
    public func acquireHostLeases(hosts: [String], run: Int64, holder: String, ttl: TimeInterval,
                                  now: Date = Date()) async throws -> LeaseOutcome {
        let wanted = Array(Set(hosts)).sorted()
        let instance = instanceID.uuidString
        return try await pool.writeWithoutTransaction { db in
            var outcome = LeaseOutcome.acquired(hosts: wanted)
            // IMMEDIATE: the write lock is taken before the read, so two
            // controllers cannot both see a host free and both take it.
            try db.inTransaction(.immediate) {
                let held = try Self.leases(db, hosts: wanted)
                let conflicts = held.filter { $0.runID != run && $0.expiresAt >= now }.map {
                    LeaseConflict(host: $0.host, runID: $0.runID, holder: $0.holder, since: $0.acquiredAt, expiresAt: $0.expiresAt)
                }
                guard conflicts.isEmpty else {
                    outcome = .conflict(conflicts)
                    return .rollback
                }
                let ownSince = Dictionary(held.filter { $0.runID == run }.map { ($0.host, $0.acquiredAt) }) { a, _ in a }
                let statement = try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO host_leases (host, run_id, holder, instance_id, acquired_at, heartbeat_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
                for host in wanted {
                    try statement.execute(arguments: [host, run, holder, instance, ownSince[host] ?? now, now, now.addingTimeInterval(ttl)])
                }
                return .commit
            }
            return outcome
        }
    }

    /// Pushes the expiry of the run's leases to `now + ttl` (the run's
    /// heartbeat); returns the hosts it still holds, so a run can notice a
    /// lease it lost (expired and taken over).
    @discardableResult
    public func renewHostLeases(run: Int64, ttl: TimeInterval, now: Date = Date()) async throws -> [String] {
        try await pool.write { db in
            try db.execute(sql: "UPDATE host_leases SET heartbeat_at = ?, expires_at = ? WHERE run_id = ?",
                           arguments: [now, now.addingTimeInterval(ttl), run])
            return try String.fetchAll(db, sql: "SELECT host FROM host_leases WHERE run_id = ? ORDER BY host", arguments: [run])
        }
    }

    /// Ends the leases this controller holds for `run` (the run is over);
    /// returns the hosts released.
    @discardableResult
    public func releaseHostLeases(run: Int64) async throws -> [String] {
        let instance = instanceID.uuidString
        return try await pool.write { db in
            let hosts = try String.fetchAll(db, sql: "SELECT host FROM host_leases WHERE run_id = ? AND instance_id = ? ORDER BY host",
                                            arguments: [run, instance])
            try db.execute(sql: "DELETE FROM host_leases WHERE run_id = ? AND instance_id = ?", arguments: [run, instance])
            return hosts
        }
    }

    /// Ends every lease of `run`, whichever controller holds it (an
    /// operator freeing the hosts of a stuck run); returns what was held.
    @discardableResult
    public func forceReleaseHostLeases(run: Int64) async throws -> [HostLease] {
        try await pool.write { db in
            let held = try Self.leases(db, run: run)
            try db.execute(sql: "DELETE FROM host_leases WHERE run_id = ?", arguments: [run])
            return held
        }
    }

    /// Every lease, by host, marked expired when past `now`.
    public func hostLeases(now: Date = Date()) async throws -> [HostLease] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM host_leases ORDER BY host").map { Self.lease($0, now: now) }
        }
    }

    private static func leases(_ db: Database, hosts: [String]) throws -> [HostLease] {
        let list = String(data: try JSONEncoder().encode(hosts), encoding: .utf8) ?? "[]"
        return try Row.fetchAll(db, sql: "SELECT * FROM host_leases WHERE host IN (SELECT value FROM json_each(?)) ORDER BY host",
                                arguments: [list]).map { lease($0, now: nil) }
    }

    private static func leases(_ db: Database, run: Int64) throws -> [HostLease] {
        try Row.fetchAll(db, sql: "SELECT * FROM host_leases WHERE run_id = ? ORDER BY host", arguments: [run]).map { lease($0, now: nil) }
    }

    private static func lease(_ row: Row, now: Date?) -> HostLease {
        let expires: Date = row["expires_at"]
        let instance: String = row["instance_id"]
        return HostLease(host: row["host"], runID: row["run_id"], holder: row["holder"], instanceID: UUID(uuidString: instance) ?? UUID(),
                         acquiredAt: row["acquired_at"], heartbeatAt: row["heartbeat_at"], expiresAt: expires,
                         expired: now.map { expires < $0 } ?? false)
    }
}
