import Foundation
import Glibc
import GRDB

extension Store {
    /// Migrates under an exclusive lock on a file beside the database: two
    /// processes opening a new store at once (two `drover` commands, a test
    /// suite) would otherwise both see it empty, and the second's
    /// `CREATE TABLE` would fail once the first had migrated it.
    static func migrate(_ pool: DatabasePool, home: String) throws {
        let descriptor = Glibc.open(home + "/migration.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw StoreError(.cannotOpen, "cannot create \(home)/migration.lock (errno \(errno)); check the directory's permissions or set DROVER_HOME") }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 && errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        try StoreSchema.migrator.migrate(pool)
    }
}
