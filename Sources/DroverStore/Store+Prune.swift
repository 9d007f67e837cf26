import Foundation
import GRDB

extension Store {
    /// Deletes the runs that started before `cutoff` (not those still
    /// `running`) with their hosts, results and undo entries, then the blobs
    /// no row names any more: `blob_refs` rows and their files.
    ///
    /// A blob is named by any column whose name ends in `_blob`, in any
    /// table (`task_results.stdout_blob`/`stderr_blob`,
    /// `undo_entries.content_blob`, and later tables that follow the same
    /// convention). Files in the blob directory that no `blob_refs` row
    /// names (a write whose transaction failed) go too once they are older
    /// than `strayAge`. Rollback runs of a pruned run keep their own rows
    /// and lose only the link to it.
    ///
    /// A dry run does the same in a transaction it rolls back, and deletes
    /// no file, so its report is exactly what a real run would remove.
    public func prune(olderThan cutoff: Date, dryRun: Bool = false, strayAge: TimeInterval = 3600) throws -> PruneReport {
        let blobs = self.blobs
        return try pool.writeWithoutTransaction { db -> PruneReport in
            var report = PruneReport(cutoff: cutoff, dryRun: dryRun)
            try db.inTransaction(.immediate) {
                try Self.deleteRuns(db, into: &report)
                let doomed = try Self.collectBlobs(db, into: &report)
                let strays = try Self.strayFiles(db, directory: blobs.directory, olderThan: Date(timeIntervalSinceNow: -strayAge),
                                                 excluding: Set(doomed), into: &report)
                guard !dryRun else { return .rollback }
                // Deleted while this transaction still holds the write lock:
                // a writer that wants one of these blobs again waits for the
                // commit, then finds no file and writes it anew.
                for digest in doomed { blobs.remove(digest) }
                for path in strays { unlink(path) }
                return .commit
            }
            return report
        }
    }

    private static func deleteRuns(_ db: Database, into report: inout PruneReport) throws {
        let old = "SELECT id FROM runs WHERE started_at < :cutoff AND status <> 'running'"
        let arguments: StatementArguments = ["cutoff": report.cutoff]
        report.runs = try Int64.fetchAll(db, sql: old + " ORDER BY id", arguments: arguments)
        report.keptRunning = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM runs WHERE started_at < :cutoff AND status = 'running'",
                                              arguments: arguments) ?? 0
        guard !report.runs.isEmpty else { return }
        report.results = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM task_results WHERE run_id IN (\(old))", arguments: arguments) ?? 0
        report.undoEntries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM undo_entries WHERE run_id IN (\(old))", arguments: arguments) ?? 0
        try db.execute(sql: "UPDATE runs SET parent_run_id = NULL WHERE parent_run_id IN (\(old)) AND id NOT IN (\(old))",
                       arguments: arguments)
        // Children first, each by its indexed run_id; the runs' own delete
        // then cascades to any other table that references them.
        for table in ["undo_entries", "task_results", "run_hosts"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE run_id IN (\(old))", arguments: arguments)
        }
        try db.execute(sql: "DELETE FROM runs WHERE id IN (\(old))", arguments: arguments)
    }

    /// Deletes the `blob_refs` rows no `*_blob` column names; returns their digests.
    private static func collectBlobs(_ db: Database, into report: inout PruneReport) throws -> [String] {
        var references: [String] = []
        let tables = try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'blob_refs' ORDER BY name
            """)
        for table in tables {
            for column in try db.columns(in: table) where column.name.hasSuffix("_blob") {
                let c = column.name.quotedDatabaseIdentifier, t = table.quotedDatabaseIdentifier
                references.append("SELECT \(c) FROM \(t) WHERE \(c) IS NOT NULL")
            }
        }
        let unreferenced = references.isEmpty ? "" : " WHERE sha256 NOT IN (\(references.joined(separator: " UNION ")))"
        let rows = try Row.fetchAll(db, sql: "SELECT sha256, size FROM blob_refs" + unreferenced)
        report.blobs = rows.count
        report.blobBytes = rows.reduce(0) { $0 + ($1["size"] as Int) }
        try db.execute(sql: "DELETE FROM blob_refs" + unreferenced)
        return rows.map { $0["sha256"] }
    }

    /// Files in the blob directory that no `blob_refs` row names (other
    /// than the `doomed` blobs just collected), older than `date`.
    private static func strayFiles(_ db: Database, directory: String, olderThan date: Date, excluding doomed: Set<String>,
                                   into report: inout PruneReport) throws -> [String] {
        let known = Set(try String.fetchAll(db, sql: "SELECT sha256 FROM blob_refs"))
        let manager = FileManager.default
        var strays: [String] = []
        for folder in (try? manager.contentsOfDirectory(atPath: directory)) ?? [] where folder.count == 2 {
            for name in (try? manager.contentsOfDirectory(atPath: "\(directory)/\(folder)")) ?? [] {
                let path = "\(directory)/\(folder)/\(name)"
                guard !known.contains(name), !doomed.contains(name), let attributes = try? manager.attributesOfItem(atPath: path),
                      attributes[.type] as? FileAttributeType == .typeRegular,
                      let modified = attributes[.modificationDate] as? Date, modified < date else { continue }
                strays.append(path)
                report.strayBytes += (attributes[.size] as? NSNumber)?.intValue ?? 0
            }
        }
        report.strayFiles = strays.count
        return strays
    }
}
