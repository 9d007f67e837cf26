import GRDB

extension StoreSchema {
    /// v3: results name their task by `TaskID` (titles repeat), hosts count
    /// cancelled tasks, runs name the controller instance that runs them
    /// (`instances`, with a heartbeat), and `host_leases` lets one run at a
    /// time change a host. Registered after v5: a migration's name is its
    /// identity, the registration order is the order it runs in.
    static func registerV3(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3 task ids, controller instances, host leases") { db in
            try db.alter(table: "task_results") { t in
                t.add(column: "task_id", .text)  // TaskID text (p1.t3.2); NULL in older rows
            }
            try db.alter(table: "run_hosts") { t in
                t.add(column: "cancelled", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "runs") { t in
                t.add(column: "instance_id", .text)  // NULL in older rows: pid and host_name decide
            }
            try db.create(index: "runs_status", on: "runs", columns: ["status"])
            try db.create(table: "instances") { t in
                t.primaryKey("id", .text)  // a UUID, new for each process that opens the store
                t.column("host_name", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("started_at", .datetime).notNull()
                t.column("heartbeat_at", .datetime).notNull()
            }
            try db.create(table: "host_leases") { t in
                t.primaryKey("host", .text)  // one holder per host: the database enforces it
                t.column("run_id", .integer).notNull().references("runs", onDelete: .cascade)
                t.column("holder", .text).notNull()  // the user who started the run
                t.column("instance_id", .text).notNull()
                t.column("acquired_at", .datetime).notNull()
                t.column("heartbeat_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
            }
            try db.create(index: "host_leases_run", on: "host_leases", columns: ["run_id"])
        }
    }
}
