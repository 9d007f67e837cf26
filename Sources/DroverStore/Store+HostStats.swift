import DroverCore
import GRDB

extension Store {
    /// One host's counts in a run's recap (`run_hosts`), written or replaced.
    static func writeHostStats(_ db: Database, run: Int64, host: String, _ s: HostStats) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO run_hosts (run_id, host, ok, changed, unreachable, failed, skipped, rescued, ignored, cancelled)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [run, host, s.ok, s.changed, s.unreachable, s.failed, s.skipped, s.rescued, s.ignored, s.cancelled])
    }
}
