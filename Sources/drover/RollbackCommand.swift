import DroverRuntime
import ArgumentParser
import DroverCore
import DroverEngine
import DroverStore
import Foundation

struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Undo a recorded run: replay its undo journal in reverse on each host.",
        discussion: """
            A file is restored only when it still holds what the run left there; otherwise that file is \
            refused (use --force). Commands without `undo:` cannot be undone; --check lists them. The \
            rollback is recorded as a run of its own, linked to the original, and can itself be rolled back.
            """
    )

    @Argument(help: "The run to undo (from `drover runs`).")
    var runID: Int64

    @Option(name: [.short, .customLong("inventory")], help: "Inventory (default: the one the run used).")
    var inventory: [String] = []

    @Option(name: [.short, .long], help: "Only these hosts (comma-separated names or globs).")
    var limit: String?

    @Flag(name: [.short, .customLong("check")], help: "Show what would be undone and what cannot be; change nothing.")
    var check = false

    @Flag(help: "Roll back files even when they changed since the run.")
    var force = false

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var control: RunControlOptions
    @OptionGroup var terminal: TerminalOptions

    func run() async throws {
        let store = try await StoreOptions.open()
        let summary: RunSummary
        let journals: [String: [UndoRecord]]
        let target: (inventory: [String], limit: String?)
        do {
            summary = try await store.run(runID)
            journals = try await store.undoJournals(runID)
            target = try await store.runTarget(runID)
        } catch let error as StoreError {
            throw CommandFailure(error.message)
        }
        if summary.checkMode { throw CommandFailure("run \(runID) was a --check run: it changed nothing, so there is nothing to undo") }
        var selected = journals
        if let limit {
            let patterns = limit.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
            selected = journals.filter { host, _ in patterns.contains { FnMatch.matches(host, $0) } }
        }
        guard !selected.isEmpty else {
            Output.line("run \(runID) recorded no changes\(limit == nil ? "" : " on hosts matching \(limit!)"): nothing to undo")
            return
        }
        let sources = inventory.isEmpty ? target.inventory : inventory
        let loaded: Inventory
        do {
            loaded = try Inventory.load(sources)
        } catch let error as InputError {
            throw CommandFailure("\(error.description) (the inventory of run \(runID); give another with -i)")
        }
        let script: AgentScript
        do { script = try AgentScript.locate() } catch let error as AgentError { throw CommandFailure(error.message) }
        var info = RunInfo(playbook: summary.playbook, playbookSHA256: "", inventory: sources, limit: limit, extraVars: [:], checkMode: check)
        info.kind = .rollback
        info.parentRunID = runID
        var options = RunOptions()
        options.checkMode = check
        options.forks = connection.forks
        options.cancellation = control.cancellation
        let work = RollbackWork(undoing: runID, journals: selected, force: force, wholeRun: limit == nil)
        let request = RunRequest(work: .rollback(work), inventory: loaded, options: options, info: info,
                                 connector: SSHConnector(options: connection.settings), script: script, locking: control.locking)
        let (id, outcome) = try await RunLauncher.launch(request, console: ConsoleObserver(json: false, verbosity: 0, diff: false, palette: terminal.palette))
        if outcome.status == .cancelled { Output.line("run \(id) cancelled after \(Output.seconds(outcome.duration))") }
        Output.line("rollback\(check ? " check" : "") recorded as run \(id)")
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
