import Foundation
import GRDB

/// Drover's run history: one SQLite file (WAL) in `DROVER_HOME`, beside a
/// content-addressed blob directory for large payloads.
///
/// Share one `Store` per process: it holds the process's one
/// `DatabasePool` (SQLite wants a single writer connection per process)
/// and its controller instance id. A second `Store` on the same file in
/// the same process works, but counts as another controller.
///
/// GRDB lends connections only inside closures and runs them on its own
/// serial queues, so SQLite never blocks Swift's cooperative pool; the
/// `async` methods await those queues, the synchronous ones (for the CLI)
/// block their caller.
public final class Store: Sendable {
    public let home: String
    /// This controller's identity: the runs it records carry it, its
    /// heartbeat in `instances` says it is alive.
    public let instanceID: UUID
    let pool: DatabasePool
    let blobs: BlobStore

    /// `DROVER_HOME`, else `~/.local/share/drover`.
    public static var defaultHome: String {
        if let home = ProcessInfo.processInfo.environment["DROVER_HOME"], !home.isEmpty { return home }
        return FileManager.default.homeDirectoryForCurrentUser.path + "/.local/share/drover"
    }

    /// Opens (creating or migrating) the store and registers this process
    /// as a controller instance. Blocks: from async code use `open(home:)`.
    public init(home: String = Store.defaultHome, instanceID: UUID = UUID()) throws {
        self.home = home
        self.instanceID = instanceID
        do {
            try FileManager.default.createDirectory(atPath: home + "/blobs", withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            pool = try DatabasePool(path: home + "/drover.sqlite", configuration: configuration)
            try Self.migrate(pool, home: home)
            try pool.write { db in try Self.register(instanceID, db: db, now: Date()) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "cannot open the run store in \(home): \(error); check the directory's permissions or set DROVER_HOME")
        }
        blobs = BlobStore(directory: home + "/blobs")
    }

    /// `init` on a thread of its own, so opening (and migrating) never
    /// blocks the cooperative pool.
    public static func open(home: String = Store.defaultHome, instanceID: UUID = UUID()) async throws -> Store {
        try await BlobStore.offThePool { try Store(home: home, instanceID: instanceID) }
    }
}
