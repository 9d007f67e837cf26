import GRDB

extension StoreSchema {
    /// v8: browser sessions of the controller server. The cookie's value is
    /// never stored, only its SHA-256 (like API tokens); `expires_at` is the
    /// absolute end, `last_seen_at` decides the idle timeout (the policy is
    /// the server's, applied when a session is checked).
    static func registerV8(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8 browser sessions") { db in
            try db.create(table: "sessions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("user_id", .integer).notNull().references("users", onDelete: .cascade)
                t.column("session_sha256", .text).notNull().unique()
                t.column("address", .text).notNull()  // where the login came from
                t.column("created_at", .datetime).notNull()
                t.column("last_seen_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
            }
            try db.create(index: "sessions_user", on: "sessions", columns: ["user_id"])
            try db.create(index: "sessions_expires", on: "sessions", columns: ["expires_at"])
        }
    }
}
