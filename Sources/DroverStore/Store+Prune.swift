import DroverCore
import Foundation
import GRDB

extension Store {
    /// Deletes the runs that started before `cutoff` (not those still
    /// `running`) with their hosts, results and undo entries, then the blobs
    /// no row names any more: `blob_refs` rows and their files.
    ///
    /// A blob is named by any column whose name ends in `_blob`, in any
    /// table (`task_results.stdout_blob`/`stderr_blob`,
    /// `undo_entries.content_blob`, `collected_logs.content_blob`, and later
    /// tables that follow the same convention). Files in the blob directory
    /// that no `blob_refs` row names (a write whose transaction failed) go
    /// too once they are older than `strayAge`. Rollback runs of a pruned
    /// run keep their own rows and lose only the link to it.
    ///
    /// Results are deleted in transactions of `chunk` rows, so a run being
    /// recorded meanwhile never waits long for the write lock; a prune that
    /// stops half-way is finished by the next one. A dry run only reads.
    public func prune(olderThan cutoff: Date, dryRun: Bool = false, strayAge: TimeInterval = 3600,
                      chunk: Int = 20_000) throws -> PruneReport {
        let strayCutoff = Date(timeIntervalSinceNow: -strayAge)
        let blobs = self.blobs
        var report = try pool.read { db in try Self.plan(db, cutoff: cutoff, dryRun: dryRun, strayCutoff: strayCutoff, directory: blobs.directory) }
        guard !dryRun else { return report }
        for run in report.runs { try deleteRun(run, chunk: chunk) }
        try pool.write { db in
            let doomed = try Self.unreferencedBlobs(db, excludingRuns: nil)
            report.blobs = doomed.count
            report.blobBytes = doomed.reduce(0) { $0 + $1.size }
            try db.execute(sql: "DELETE FROM blob_refs WHERE sha256 IN (SELECT value FROM json_each(?))",
                           arguments: [Self.jsonList(doomed.map(\.sha256))])
            let strays = try Self.strayFiles(db, directory: blobs.directory, olderThan: strayCutoff,
                                             excluding: Set(doomed.map(\.sha256)))
            report.strayFiles = strays.count
            report.strayBytes = strays.reduce(0) { $0 + $1.size }
            // Deleted while this transaction still holds the write lock: a
            // writer that wants one of these blobs again waits for the
            // commit, then finds no file and writes it anew.
            for blob in doomed { blobs.remove(blob.sha256) }
            for stray in strays { unlink(stray.path) }
        }
        return report
    }

    /// The same on a Dispatch thread: a prune is many transactions and
    /// file deletions, none of which may block the cooperative pool.
    public func prune(olderThan cutoff: Date, dryRun: Bool = false, strayAge: TimeInterval = 3600,
                      chunk: Int = 20_000) async throws -> PruneReport {
        try await BlobStore.offThePool { try self.prune(olderThan: cutoff, dryRun: dryRun, strayAge: strayAge, chunk: chunk) }
    }

    /// What a prune would remove, read in one snapshot.
    private static func plan(_ db: Database, cutoff: Date, dryRun: Bool, strayCutoff: Date, directory: String) throws -> PruneReport {
        var report = PruneReport(cutoff: cutoff, dryRun: dryRun)
        // Runs not over yet (queued or running) are never pruned.
        let live = "('\(RunStatus.queued.rawValue)', '\(RunStatus.running.rawValue)')"
        let old = "SELECT id FROM runs WHERE started_at < :cutoff AND status NOT IN \(live)"
        let arguments: StatementArguments = ["cutoff": cutoff]
        report.runs = try Int64.fetchAll(db, sql: old + " ORDER BY id", arguments: arguments)
        report.keptRunning = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE started_at < :cutoff AND status IN \(live)",
                                              arguments: arguments) ?? 0
        report.results = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_results WHERE run_id IN (\(old))", arguments: arguments) ?? 0
        report.undoEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM undo_entries WHERE run_id IN (\(old))", arguments: arguments) ?? 0
        let doomed = try unreferencedBlobs(db, excludingRuns: report.runs)
        report.blobs = doomed.count
        report.blobBytes = doomed.reduce(0) { $0 + $1.size }
        let strays = try strayFiles(db, directory: directory, olderThan: strayCutoff, excluding: Set(doomed.map(\.sha256)))
        report.strayFiles = strays.count
        report.strayBytes = strays.reduce(0) { $0 + $1.size }
        return report
    }

    /// Deletes one run: its undo entries and results a chunk per
    /// transaction, then its hosts and its row (which cascades to any other
    /// table that references runs).
    private func deleteRun(_ id: Int64, chunk: Int) throws {
        for table in ["undo_entries", "task_results"] {
            var deleted = chunk
            while deleted == chunk {
                deleted = try pool.write { db in
                    try db.execute(sql: "DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE run_id = ? LIMIT ?)",
                                   arguments: [id, chunk])
                    return db.changesCount
                }
            }
        }
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET parent_run_id = NULL WHERE parent_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM run_hosts WHERE run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM runs WHERE id = ?", arguments: [id])
        }
    }

    /// The `blob_refs` rows that no `*_blob` column names, not counting
    /// rows of `excludingRuns` (in tables that have a `run_id`).
    private static func unreferencedBlobs(_ db: Database, excludingRuns runs: [Int64]?) throws -> [(sha256: String, size: Int)] {
        var references: [String] = []
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'blob_refs' ORDER BY name
            """)
        for table in tables {
            let columns = try db.columns(in: table).map(\.name)
            let t = table.quotedDatabaseIdentifier
            let notPruned = runs != nil && columns.contains("run_id") ? " AND run_id NOT IN (SELECT value FROM json_each(:runs))" : ""
            for column in columns where column.hasSuffix("_blob") {
                let c = column.quotedDatabaseIdentifier
                references.append("SELECT \(c) FROM \(t) WHERE \(c) IS NOT NULL\(notPruned)")
            }
        }
        let unreferenced = references.isEmpty ? "" : " WHERE sha256 NOT IN (\(references.joined(separator: " UNION ")))"
        let arguments: StatementArguments = runs.map { ["runs": "[" + $0.map(String.init).joined(separator: ",") + "]"] } ?? [:]
        return try Row.fetchAll(db, sql: "SELECT sha256, size FROM blob_refs" + unreferenced + " ORDER BY sha256",
                                arguments: arguments).map { ($0["sha256"], $0["size"]) }
    }

    /// Files in the blob directory that no `blob_refs` row names (other
    /// than the `doomed` blobs), last modified before `date`.
    private static func strayFiles(_ db: Database, directory: String, olderThan date: Date,
                                   excluding doomed: Set<String>) throws -> [(path: String, size: Int)] {
        let known = Set(try String.fetchAll(db, sql: "SELECT sha256 FROM blob_refs"))
        let manager = FileManager.default
        var strays: [(path: String, size: Int)] = []
        for folder in ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted() where folder.count == 2 {
            for name in ((try? manager.contentsOfDirectory(atPath: "\(directory)/\(folder)")) ?? []).sorted() {
                let path = "\(directory)/\(folder)/\(name)"
                guard !known.contains(name), !doomed.contains(name), let attributes = try? manager.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date, modified < date else { continue }
                strays.append((path, (attributes[.size] as? NSNumber)?.intValue ?? 0))
            }
        }
        return strays
    }

    /// `["a","b"]`, for `json_each(?)`: a list of digests as one SQL argument.
    private static func jsonList(_ items: [String]) -> String {
        "[" + items.map { "\"\($0)\"" }.joined(separator: ",") + "]"
    }
}
