import ArgumentParser
import DroverStore
import Foundation

struct PruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete recorded runs older than a period, and the blobs nothing refers to any more.",
        discussion: """
            Deletes the runs that started before the cutoff (with their hosts, results and undo entries; runs still \
            running are kept), then garbage-collects blobs no row names. With --dry-run nothing is deleted and the \
            same report says what would be. The database file keeps its size (SQLite reuses the freed pages).
            """
    )

    @Option(help: "Prune runs started more than this long ago (30d, 12h, 2w) or before this date (2026-11-01).")
    var olderThan: String

    @Flag(help: "Only report what would be removed.")
    var dryRun = false

    func validate() throws {
        if Period.date(olderThan) == nil {
            throw ValidationError("--older-than takes a period such as 30d, 12h, 2w, or a date such as 2026-11-01")
        }
    }

    func run() throws {
        let store = try StoreOptions.open()
        let report = try store.prune(olderThan: Period.date(olderThan) ?? Date(), dryRun: dryRun)
        let verb = dryRun ? "would remove" : "removed"
        let cutoff = Period.format(report.cutoff)
        if report.runs.isEmpty {
            Output.line("no runs started before \(cutoff)")
        } else {
            Output.line("\(verb) \(report.runs.count) run(s) started before \(cutoff): \(report.runRanges)")
            Output.line("  \(report.results) task results, \(report.undoEntries) undo entries")
        }
        if report.keptRunning > 0 { Output.line("kept \(report.keptRunning) run(s) still marked running") }
        Output.line("\(verb) \(report.blobs) unreferenced blob(s) (\(Self.size(report.blobBytes)))"
            + (report.strayFiles > 0 ? " and \(report.strayFiles) stray blob file(s) (\(Self.size(report.strayBytes)))" : ""))
    }

    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) B" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return String(format: "%.1f MiB", Double(bytes) / 1024 / 1024)
    }
}
