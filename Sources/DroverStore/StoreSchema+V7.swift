import GRDB

extension StoreSchema {
    /// v7: the controller server's users, API tokens and audit log.
    /// Secrets never land here: passwords as bcrypt hashes, tokens as
    /// SHA-256 digests. The audit log is a hash chain, and triggers refuse
    /// UPDATE and DELETE on it (a second line of defence: `drover audit
    /// verify` catches what is done with the triggers dropped).
    static func registerV7(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7 users, api tokens, audit log") { db in
            try db.create(table: "users") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("password_bcrypt", .text).notNull()
                t.column("role", .text).notNull()  // Role raw values
                t.column("disabled", .boolean).notNull().defaults(to: false)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "api_tokens") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("user_id", .integer).notNull().references("users", onDelete: .cascade)
                t.column("token_sha256", .text).notNull().unique()  // the token itself is never stored
                t.column("scope", .text).notNull()  // TokenScope raw values
                t.column("expires_at", .datetime)  // NULL: never
                t.column("revoked_at", .datetime)
                t.column("last_used_at", .datetime)
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "api_tokens_user", on: "api_tokens", columns: ["user_id"])
            try db.create(table: "audit_log") { t in
                t.primaryKey("id", .integer)  // given by the appender: the hash covers it
                t.column("at", .text).notNull()  // ISO 8601 text, hashed exactly as stored
                t.column("actor", .text).notNull()
                t.column("source", .text).notNull()
                t.column("action", .text).notNull()
                t.column("details", .text).notNull()  // JSON object, secrets redacted
                t.column("prev_sha256", .text).notNull().unique()  // one successor per entry: no forks
                t.column("sha256", .text).notNull()
            }
            try db.create(index: "audit_log_actor", on: "audit_log", columns: ["actor", "id"])
            for statement in ["UPDATE", "DELETE"] {
                try db.execute(sql: """
                    CREATE TRIGGER audit_log_no_\(statement.lowercased()) BEFORE \(statement) ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                    """)
            }
        }
    }
}
