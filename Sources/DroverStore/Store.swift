import Foundation
import GRDB

/// Drover's run history: one SQLite file (WAL) in its home directory
/// (`StoreLocation`), beside a content-addressed blob directory for large
/// payloads. Only its owner can read it (`StorePermissions`).
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
    /// What opening took away group and other access from (paths relative
    /// to `home`, "." for `home` itself) in a store an older drover left
    /// readable; empty for a new store. The command line tells the user.
    public let tightened: [String]
    let pool: DatabasePool
    let blobs: BlobStore

    /// Opens (creating or migrating) the store and registers this process
    /// as a controller instance. Blocks: from async code use `open(home:)`.
    public init(home: String, instanceID: UUID = UUID()) throws {
        self.home = home
        self.instanceID = instanceID
        do {
            try StorePermissions.makeDirectory(home)
            try StorePermissions.makeDirectory(home + "/blobs")
            let existed = FileManager.default.fileExists(atPath: home + "/drover.sqlite")
            let changed = StorePermissions.tighten(home: home)
            // A new store in a directory the user made exposed nothing yet: no news.
            tightened = existed ? changed : []
            try StorePermissions.makeFile(home + "/drover.sqlite")
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
    public static func open(home: String, instanceID: UUID = UUID()) async throws -> Store {
        try await BlobStore.offThePool { try Store(home: home, instanceID: instanceID) }
    }
}
