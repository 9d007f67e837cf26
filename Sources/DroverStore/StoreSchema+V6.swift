import GRDB

extension StoreSchema {
    /// v6: runs launched by the controller server. `runs.template` names the
    /// job template (NULL for CLI runs) and is indexed with the id for the
    /// API's keyset pages; `run_launches` keeps what a launch asked for
    /// (secrets masked), so a run still `queued` when the server stopped is
    /// started again by the next one, in order.
    static func registerV6(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6 server launches and queued runs") { db in
            try db.alter(table: "runs") { t in
                t.add(column: "template", .text)
            }
            try db.create(index: "runs_template", on: "runs", columns: ["template", "id"])
            try db.create(index: "runs_status_id", on: "runs", columns: ["status", "id"])
            try db.create(index: "task_results_run_id", on: "task_results", columns: ["run_id", "id"])
            try db.create(table: "run_launches") { t in
                t.primaryKey("run_id", .integer).references("runs", onDelete: .cascade)
                t.column("template", .text).notNull()
                t.column("parameters", .text).notNull()  // JSON of the launch, secret answers masked
                t.column("has_secrets", .boolean).notNull()  // cannot restart: the answers were never stored
                t.column("queued_at", .datetime).notNull()
            }
        }
    }
}
