import DroverCore
import Foundation
import GRDB

/// Controller instances: every process that opens the store registers a
/// random id with its machine, pid and a heartbeat. A run records the
/// instance that runs it, so a run is judged abandoned by its own
/// controller's signs of life, never by who is asking.
extension Store {
    /// How often a live controller beats (the recorder does it while a run
    /// goes on; a server calls `heartbeat` on this period).
    public static let heartbeatInterval: Duration = .seconds(15)
    /// A controller whose last beat is older than this is taken for dead.
    public static let heartbeatTimeout: TimeInterval = 120
    /// Instances silent this long are forgotten (their runs keep the id).
    static let instanceRetention: TimeInterval = 7 * 86400

    /// Says this controller is alive.
    public func heartbeat(now: Date = Date()) async throws {
        let id = instanceID
        try await pool.write { db in try Self.register(id, db: db, now: now) }
    }

    /// Adds or refreshes this instance's row (a beat never moves its time
    /// back: dates are stored as sortable text); forgets long-silent ones.
    static func register(_ id: UUID, db: Database, now: Date) throws {
        try db.execute(sql: """
            INSERT INTO instances (id, host_name, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET heartbeat_at = MAX(heartbeat_at, excluded.heartbeat_at)
            """, arguments: [id.uuidString, ProcessInfo.processInfo.hostName, Int(getpid()), now, now])
        try db.execute(sql: "DELETE FROM instances WHERE heartbeat_at < ?", arguments: [now.addingTimeInterval(-instanceRetention)])
    }

    /// Runs left `running` by a controller that is gone become
    /// `interrupted`: one that is not this instance, and whose heartbeat is
    /// older than `timeout` or that ran on this machine under a pid that
    /// is dead. Runs recorded before instances existed are judged by their
    /// pid on this machine alone. Returns how many were marked.
    @discardableResult
    public func markInterruptedRuns(timeout: TimeInterval = Store.heartbeatTimeout, now: Date = Date()) throws -> Int {
        let own = instanceID
        return try pool.write { db in try Self.markInterrupted(db, own: own, timeout: timeout, now: now) }
    }

    @discardableResult
    public func markInterruptedRuns(timeout: TimeInterval = Store.heartbeatTimeout, now: Date = Date()) async throws -> Int {
        let own = instanceID
        return try await pool.write { db in try Self.markInterrupted(db, own: own, timeout: timeout, now: now) }
    }

    private static func markInterrupted(_ db: Database, own: UUID, timeout: TimeInterval, now: Date) throws -> Int {
        let rows = try Row.fetchAll(db, sql: """
            SELECT r.id, r.pid, r.host_name, r.instance_id, i.pid AS instance_pid, i.host_name AS instance_host,
                   i.heartbeat_at
            FROM runs r LEFT JOIN instances i ON i.id = r.instance_id
            WHERE r.status = ?
            """, arguments: [RunStatus.running.rawValue])
        let here = ProcessInfo.processInfo.hostName
        var count = 0
        for row in rows {
            let abandoned: Bool
            if let instance: String = row["instance_id"] {
                guard instance != own.uuidString else { continue }
                let beat: Date? = row["heartbeat_at"]
                let pid: Int32? = row["instance_pid"]
                let host: String? = row["instance_host"]
                let silent = beat.map { now.timeIntervalSince($0) > timeout } ?? true
                let deadHere = host == here && pid.map { !isAlive($0) } ?? false
                abandoned = silent || deadHere
            } else {
                // Before instances: only this machine's runs (a controller
                // elsewhere may still be running), by pid.
                let pid: Int32 = row["pid"]
                let host: String = row["host_name"]
                abandoned = host == here && (!isAlive(pid) || pid == getpid())
            }
            guard abandoned else { continue }
            try recoverRecap(db, run: row["id"], lastBeat: row["heartbeat_at"], now: now)
            count += 1
        }
        return count
    }

    /// Ends an abandoned run as interrupted with what it did: its end is its
    /// last sign of life (a result or its controller's heartbeat, not the
    /// moment it is found), and its hosts' counts come from its results.
    private static func recoverRecap(_ db: Database, run: Int64, lastBeat: Date?, now: Date) throws {
        let lastResult = try Date.fetchOne(db, sql: "SELECT MAX(ended_at) FROM task_results WHERE run_id = ?", arguments: [run])
        let started = try Date.fetchOne(db, sql: "SELECT started_at FROM runs WHERE id = ?", arguments: [run]) ?? now
        let end = min(now, [lastResult, lastBeat, started].compactMap { $0 }.max() ?? now)
        try db.execute(sql: "UPDATE runs SET status = ?, ended_at = COALESCE(ended_at, ?) WHERE id = ?",
                       arguments: [RunStatus.interrupted.rawValue, end, run])
        guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM run_hosts WHERE run_id = ?", arguments: [run]) == 0 else { return }
        let results = try Row.fetchAll(db, sql: "SELECT host, task_index, status, ignored, rescued FROM task_results WHERE run_id = ?",
                                       arguments: [run]).map { row in
            RecoveredStats.Result(host: row["host"], taskIndex: row["task_index"], status: taskStatus(row["status"]),
                                  ignored: row["ignored"], rescued: row["rescued"])
        }
        for (host, stats) in RecoveredStats.stats(results) { try writeHostStats(db, run: run, host: host, stats) }
    }

    /// Whether a process with this pid exists on this machine.
    static func isAlive(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}
