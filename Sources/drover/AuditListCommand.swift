import ArgumentParser
import DroverStore

struct AuditListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List audit entries, newest first.")

    @Option(help: "How many entries to show.")
    var limit = 50

    @Option(help: "Only entries older than this id (the cursor the previous page printed).")
    var before: Int64?

    @Option(help: "Only the entries of this actor.")
    var actor: String?

    func run() async throws {
        let store = try await StoreOptions.open()
        let page = try await store.auditEntries(before: before, actor: actor, limit: limit)
        guard !page.entries.isEmpty else {
            Output.line("no audit entries")
            return
        }
        let widths = [7, 25, 18, 12, 16]
        Output.line(Table.row(["ID", "AT", "ACTOR", "SOURCE", "ACTION", "DETAILS"], widths: widths))
        for entry in page.entries {
            Output.line(Table.row([String(entry.id), entry.at, entry.actor, entry.source, entry.action, entry.details], widths: widths))
        }
        if let cursor = page.nextCursor { Output.line("older entries: drover audit list --before \(cursor)") }
    }
}
