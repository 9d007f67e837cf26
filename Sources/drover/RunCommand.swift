import DroverRuntime
import ArgumentParser
import DroverCore
import Crypto
import DroverEngine
import DroverStore
import Foundation

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a playbook against an inventory.",
        discussion: """
            Exit status as ansible-playbook: 0 all went well, 2 a host failed, 4 a host was unreachable, \
            1 an error before anything ran (a playbook or inventory that cannot be read), 64 the command line \
            is wrong, 130 cancelled. --list-hosts, --list-tasks and --list-tags print what \
            ansible-playbook prints for them and run nothing.
            """
    )

    @OptionGroup var playbook: PlaybookOptions
    @OptionGroup var inventory: InventoryOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var terminal: TerminalOptions

    @Flag(name: [.short, .customLong("check")], help: "Report what would change; change nothing.")
    var check = false

    @Flag(name: [.customShort("D"), .customLong("diff")], help: "Show the before and after of changed files.")
    var diff = false

    @Option(name: [.short, .customLong("tags")], help: "Only run tasks with these tags (comma-separated, repeatable).")
    var tags: [String] = []

    @Option(name: .customLong("skip-tags"), help: "Skip tasks with these tags (comma-separated, repeatable).")
    var skipTags: [String] = []

    @Option(name: .customLong("start-at-task"), help: "Start the run at the task with this name.")
    var startAtTask: String?

    @Flag(name: .customLong("step"), help: "Ask before each task: (N)o/(y)es/(c)ontinue.")
    var step = false

    @Flag(name: .short, help: "More output (-v shows every result).")
    var verbose: Int

    @Flag(help: "Print one JSON document with every result and the recap instead of the live output.")
    var json = false

    @Flag(help: "List the hosts each play would run on.")
    var listHosts = false

    @Flag(help: "List the tasks each play would run.")
    var listTasks = false

    @Flag(help: "List the tags in use.")
    var listTags = false

    @OptionGroup var control: RunControlOptions

    func validate() throws {
        if step && json { throw ValidationError("--step asks on the terminal; it cannot be combined with --json") }
    }

    /// Errors found before anything ran (InputError, CommandFailure) exit 1, as ansible-playbook's do.
    func run() async throws {
        let parsed = try playbook.parse()
        var loaded = try inventory.load()
        try VarsDirectory.apply(beside: (parsed.path as NSString).deletingLastPathComponent, to: &loaded, besidePlaybook: true)
        RunPreflight.warnIfEmpty(parsed)
        let limit = inventory.limit != nil ? Set(try inventory.selectHosts("all").map(\.name)) : nil
        if listHosts || listTasks || listTags {
            try PlaybookListing(playbook: parsed, inventory: loaded, limit: limit, hosts: listHosts, tasks: listTasks, tags: listTags).print()
            return
        }
        try RunPreflight.checkStartAtTask(startAtTask, in: parsed)
        var options = RunOptions()
        options.checkMode = check
        options.diffMode = diff
        options.forks = connection.forks
        options.tags = Set(tags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        options.skipTags = Set(skipTags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        options.extraVars = try playbook.extraVariables()
        options.startAtTask = startAtTask
        options.cancellation = control.cancellation
        if step {
            let prompt = StepPrompt()
            options.stepPrompt = { await prompt.ask($0) }
        }
        options.limit = limit
        let script: AgentScript
        do {
            script = try AgentScript.locate()
        } catch let error as AgentError {
            throw CommandFailure(error.message)
        }
        let bytes = FileManager.default.contents(atPath: parsed.path) ?? Data()
        let info = RunInfo(playbook: URL(fileURLWithPath: parsed.path).standardized.path,
                           playbookSHA256: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined(),
                           inventory: inventory.inventory, limit: inventory.limit, extraVars: options.extraVars, checkMode: check)
        let request = RunRequest(playbook: parsed, inventory: loaded, options: options, info: info,
                                 connector: SSHConnector(options: connection.settings), script: script,
                                 locking: control.locking)
        let (id, outcome) = try await RunLauncher.launch(request, console: ConsoleObserver(json: json, verbosity: verbose, diff: diff, palette: terminal.palette))
        try report(outcome, runID: id)
    }

    private func report(_ outcome: RunOutcome, runID: Int64) throws {
        // A failure outside the engine (a locked host) reached the console as an event.
        if outcome.status == .cancelled {
            Output.line("run \(runID) cancelled after \(Output.seconds(outcome.duration))")
        } else if !json {
            Output.line("run \(runID) recorded: `drover show \(runID)`")
        }
        if verbose > 0 && !json, let cost = outcome.recording {
            let share = Double(cost.writeTime.milliseconds) / Double(max(1, outcome.duration.milliseconds)) * 100
            Output.line("recording: \(cost.results) results in \(cost.transactions) transactions, "
                + "\(cost.writeTime.milliseconds) ms writing (\(String(format: "%.1f", share))% of the run's wall time)")
        }
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

/// --list-hosts, --list-tasks and --list-tags, as ansible-playbook prints them.
struct PlaybookListing {
    let playbook: Playbook
    let inventory: Inventory
    /// Hosts allowed by --limit (nil: all), as in ansible-playbook's listing.
    let limit: Set<String>?
    let hosts: Bool, tasks: Bool, tags: Bool

    func print() throws {
        Output.line("\nplaybook: \(playbook.path)")
        for (index, play) in playbook.plays.enumerated() {
            let outline = play.outline()
            Output.line("\n  play #\(index + 1) (\(play.hosts)): \(play.name ?? "")\tTAGS: [\(play.tags.joined(separator: ", "))]")
            if hosts {
                let names: [String]
                do {
                    names = try HostPattern.resolve(play.hosts, in: inventory).filter { limit?.contains($0) ?? true }
                } catch let error as InputError {
                    throw CommandFailure("\(play.location): \(error.message)")
                }
                Output.line("    pattern: ['\(play.hosts)']")
                Output.line("    hosts (\(names.count)):")
                for host in names { Output.line("      \(host)") }
            }
            if tasks {
                Output.line("    tasks:")
                for task in outline { Output.line("      \(task.title)\tTAGS: [\(task.tags.joined(separator: ", "))]") }
            }
            if tags {
                let all = Set(outline.flatMap(\.tags)).union(play.tags).sorted()
                Output.line("      TASK TAGS: [\(all.joined(separator: ", "))]")
            }
        }
    }
}
