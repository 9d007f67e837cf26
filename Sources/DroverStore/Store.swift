import Foundation
import GRDB

/// Drover's run history: one SQLite file (WAL) in `DROVER_HOME`, beside a
/// content-addressed blob directory for large payloads.
///
/// GRDB lends connections only inside closures and runs them on its own
/// serial queues, so SQLite never blocks Swift's cooperative pool.
public final class Store: Sendable {
    public let home: String
    let pool: DatabasePool
    let blobs: BlobStore

    /// `DROVER_HOME`, else `~/.local/share/drover`.
    public static var defaultHome: String {
        if let home = ProcessInfo.processInfo.environment["DROVER_HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.local/share/drover"
    }

    public init(home: String = Store.defaultHome) throws {
        self.home = home
        do {
            try FileManager.default.createDirectory(atPath: home + "/blobs", withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            pool = try DatabasePool(path: home + "/drover.sqlite", configuration: configuration)
            try StoreSchema.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot open the run store in \(home): \(error); check the directory's permissions or set DROVER_HOME")
        }
        blobs = BlobStore(directory: home + "/blobs")
    }

    /// Runs left `running` by a controller that is gone become `interrupted`.
    @discardableResult
    public func markInterruptedRuns() throws -> Int {
        try pool.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, pid, host_name FROM runs WHERE status = 'running'")
            var count = 0
            let here = ProcessInfo.processInfo.hostName
            for row in rows {
                let pid: Int32 = row["pid"]
                let hostName: String = row["host_name"]
                // Only this machine's runs: a controller elsewhere may still be running.
                guard hostName == here else { continue }
                if kill(pid, 0) == 0 && pid != getpid() { continue }
                try db.execute(sql: "UPDATE runs SET status = 'interrupted', ended_at = COALESCE(ended_at, ?) WHERE id = ?",
                               arguments: [Date(), row["id"] as Int64])
                count += 1
            }
            return count
        }
    }
}
