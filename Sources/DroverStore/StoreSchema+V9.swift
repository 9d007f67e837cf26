import GRDB

extension StoreSchema {
    /// v9: the server's host pages at 1M results (bench/server). `run_hosts`
    /// by host then run: a host's run count, latest runs and the hosts list
    /// read only that host's rows instead of every run's (the primary key
    /// starts with the run). Setup results by host: the latest facts of a
    /// host without scanning every result (a partial index: setup results
    /// are few).
    static func registerV9(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9 host indexes for the server") { db in
            try db.create(index: "run_hosts_host", on: "run_hosts", columns: ["host", "run_id"], ifNotExists: true)
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS task_results_facts ON task_results (host, id) WHERE module = 'setup'")
        }
    }
}
