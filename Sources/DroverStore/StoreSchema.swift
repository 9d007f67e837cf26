import GRDB

/// The store's tables, as named migrations (never edited once released;
/// changes are new migrations).
enum StoreSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 runs, hosts, results, undo, blobs") { db in
            try db.create(table: "runs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull().defaults(to: "run")  // run | rollback
                t.column("parent_run_id", .integer).references("runs")
                t.column("playbook", .text).notNull()
                t.column("playbook_sha256", .text).notNull()
                t.column("inventory", .text).notNull()
                t.column("limit_pattern", .text)
                t.column("extra_vars", .text).notNull()  // JSON, secrets redacted
                t.column("user", .text).notNull()
                t.column("host_name", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("check_mode", .boolean).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("ended_at", .datetime)
                t.column("status", .text).notNull()  // RunStatus raw values
            }
            try db.create(index: "runs_started", on: "runs", columns: ["started_at"])
            try db.create(table: "run_hosts") { t in
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("host", .text).notNull()
                for name in ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"] {
                    t.column(name, .integer).notNull().defaults(to: 0)
                }
                t.primaryKey(["run_id", "host"])
            }
            try db.create(table: "task_results") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("seq", .integer).notNull()  // order of arrival within the run
                t.column("task_index", .integer).notNull()  // which task of the run (1-based)
                t.column("play", .text).notNull()
                t.column("task", .text).notNull()
                t.column("location", .text)
                t.column("module", .text).notNull()
                t.column("host", .text).notNull()
                t.column("delegated_to", .text)
                t.column("item", .text)
                t.column("status", .text).notNull()  // TaskStatus raw values
                t.column("ignored", .boolean).notNull()
                t.column("rc", .integer)
                t.column("stdout", .blob)  // exact bytes, or NULL when in a blob
                t.column("stdout_blob", .text)
                t.column("stderr", .blob)
                t.column("stderr_blob", .text)
                t.column("msg", .text)
                t.column("result", .text).notNull()  // JSON (no_log: censored)
                t.column("diff", .text)  // JSON list of before/after
                t.column("started_at", .datetime)
                t.column("ended_at", .datetime).notNull()
            }
            try db.create(index: "task_results_run", on: "task_results", columns: ["run_id", "host", "task_index"])
            try db.create(table: "undo_entries") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("host", .text).notNull()
                t.column("seq", .integer).notNull()
                t.column("task_result_id", .integer).references("task_results", onDelete: .cascade)
                t.column("kind", .text).notNull()
                t.column("path", .text)
                t.column("previous", .text)  // JSON of the previous state
                t.column("content_blob", .text)
            }
            try db.create(index: "undo_run_host", on: "undo_entries", columns: ["run_id", "host", "seq"])
            try db.create(table: "blob_refs") { t in
                t.column("sha256", .text).primaryKey()
                t.column("size", .integer).notNull()
            }
        }
        migrator.registerMigration("v2 undo entries know what the run left") { db in
            try db.alter(table: "undo_entries") { t in
                t.add(column: "after_sha256", .text)
                t.add(column: "task", .text)
            }
            try db.alter(table: "runs") { t in
                t.add(column: "rolled_back_by", .integer)
            }
        }
        registerV2(in: &migrator)
        migrator.registerMigration("v4 collected logs") { db in
            try db.create(table: "collected_logs") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("host", .text).notNull()
                t.column("source", .text).notNull()  // a path, or journal:UNIT
                t.column("content_blob", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("collected_at", .datetime).notNull()
            }
            try db.create(index: "collected_logs_run", on: "collected_logs", columns: ["run_id", "host"])
        }
        migrator.registerMigration("v5 results know a rescue handled them") { db in
            try db.alter(table: "task_results") { t in
                t.add(column: "rescued", .boolean).notNull().defaults(to: false)
            }
        }
        registerV3(in: &migrator)
        registerV6(in: &migrator)
        registerV7(in: &migrator)
        registerV8(in: &migrator)
        registerV9(in: &migrator)
        return migrator
    }
}
