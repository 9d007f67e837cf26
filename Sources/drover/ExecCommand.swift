import ArgumentParser
import DroverCore
import DroverEngine
import DroverRuntime
import DroverStore

struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one command on hosts (like `ansible PATTERN -a CMD`); recorded as a run.",
        discussion: """
            Several words after `--` are each quoted, so they reach the command literally \
            (as with Ansible's command module). One word is a shell command line: \
            drover exec -i hosts all -- 'df -h | tail -1'. The command runs through the agent like a \
            one-task playbook and is recorded in the store (drover runs, show, logs), so every command \
            sent to hosts has an audit trail. It takes the hosts' locks like a run. \
            Exit code: 0 when every host ran it with rc 0, 2 when any failed, 4 when any was unreachable \
            (and none failed), 130 when cancelled.
            """
    )

    @OptionGroup var inventory: InventoryOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var control: RunControlOptions

    @Argument(help: "Host pattern.")
    var pattern: String

    @Argument(parsing: .postTerminator, help: "The command, after `--`.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after `--`, e.g. drover exec -i INV all -- uptime") }
    }

    func run() async throws {
        let hosts = try inventory.selectHosts(pattern)
        let playbook: Playbook
        do {
            playbook = try AdHocPlaybook.make(pattern: pattern, command: command)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
        var options = RunOptions()
        options.forks = connection.forks
        options.cancellation = control.cancellation
        if inventory.limit != nil { options.limit = Set(hosts.map(\.name)) }
        let script: AgentScript
        do { script = try AgentScript.locate() } catch let error as AgentError { throw ValidationError(error.message) }
        var info = RunInfo(playbook: AdHocPlaybook.commandLine(command), playbookSHA256: "", inventory: inventory.inventory,
                           limit: inventory.limit, extraVars: [:], checkMode: false)
        info.kind = .exec
        let request = RunRequest(playbook: playbook, inventory: try inventory.load(), options: options, info: info,
                                 connector: SSHConnector(options: connection.settings), script: script,
                                 locking: control.locking)
        let (id, outcome) = try await RunLauncher.launch(request, console: AdHocConsole())
        summarize(outcome, runID: id, hosts: hosts.count)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }

    private func summarize(_ outcome: RunOutcome, runID: Int64, hosts: Int) {
        let stats = outcome.recap?.hosts.map(\.stats) ?? []
        let failed = stats.filter { $0.failed > 0 }.count
        let unreachable = stats.filter { $0.unreachable > 0 && $0.failed == 0 }.count
        let ok = stats.filter { $0.failed == 0 && $0.unreachable == 0 && $0.cancelled == 0 }.count
        Output.line("exec: \(ok) ok, \(failed) failed, \(unreachable) unreachable of \(hosts) host(s) in \(Output.seconds(outcome.duration))")
        if outcome.status == .cancelled {
            Output.line("run \(runID) cancelled after \(Output.seconds(outcome.duration))")
        } else {
            Output.line("recorded as run \(runID): `drover show \(runID)`")
        }
    }
}
