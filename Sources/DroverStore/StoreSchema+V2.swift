import GRDB

extension StoreSchema {
    /// v2: indexes on the foreign keys `drover prune` deletes through, so
    /// deleting a run's results does not scan every undo entry once per
    /// result (SQLite looks child rows up by these columns).
    static func registerV2(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2 indexes for prune") { db in
            try db.create(index: "undo_entries_result", on: "undo_entries", columns: ["task_result_id"], ifNotExists: true)
            try db.create(index: "runs_parent", on: "runs", columns: ["parent_run_id"], ifNotExists: true)
        }
    }
}
