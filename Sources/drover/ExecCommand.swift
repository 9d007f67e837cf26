import DroverRuntime
import ArgumentParser
import DroverSSH

struct ExecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec",
        abstract: "Run one command on hosts (like `ansible PATTERN -a CMD`).",
        discussion: """
            Several words after `--` are each quoted, so they reach the command literally \
            (as with Ansible's command module). One word is a shell command line: \
            drover exec -i hosts all -- 'df -h | tail -1'. \
            Exit code: 0 when every host ran it with rc 0, 2 when any failed, 4 when any was unreachable.
            """
    )

    @OptionGroup var inventory: InventoryOptions
    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Host pattern.")
    var pattern: String

    @Argument(parsing: .postTerminator, help: "The command, after `--`.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after `--`, e.g. drover exec -i INV all -- uptime") }
    }

    private var commandLine: String {
        command.count == 1 ? command[0] : command.map(shellQuote).joined(separator: " ")
    }

    func run() async throws {
        let hosts = try inventory.selectHosts(pattern)
        let targets = try hosts.map { try SSHTarget(host: $0.name, vars: $0.vars, options: connection.settings) }
        let line = commandLine
        let clock = ContinuousClock()
        let started = clock.now
        var counts = (ok: 0, failed: 0, unreachable: 0)
        await fanOut(targets, limit: connection.forks) { target in
            do {
                let ssh = try await SSHConnection.connect(to: target)
                let result = try await ssh.exec(line)
                await ssh.close()
                return (target, Result<ExecResult, Error>.success(result))
            } catch {
                return (target, .failure(error))
            }
        } report: { (target: SSHTarget, outcome: Result<ExecResult, Error>) in
            switch outcome {
            case .success(let result):
                let good = result.exitStatus == 0
                if good { counts.ok += 1 } else { counts.failed += 1 }
                let status = result.exitStatus.map { "rc=\($0)" } ?? "killed by SIG\(result.exitSignal ?? "?")"
                Output.line("\(target.name) | \(good ? "CHANGED" : "FAILED") | \(status) >>")
                Output.bytes(result.stdout)
                if !result.stdout.isEmpty && result.stdout.last != 10 { Output.line("") }
                if !result.stderr.isEmpty {
                    Output.line("\(target.name) | stderr >>")
                    Output.bytes(result.stderr)
                    if result.stderr.last != 10 { Output.line("") }
                }
            case .failure(let error):
                counts.unreachable += 1
                Output.line("\(target.name) | UNREACHABLE! => \((error as? SSHError)?.message ?? "\(error)")")
            }
        }
        Output.line("exec: \(counts.ok) ok, \(counts.failed) failed, \(counts.unreachable) unreachable of \(targets.count) host(s) in \(Output.seconds(clock.now - started))")
        if counts.unreachable > 0 { throw ExitCode(4) }
        if counts.failed > 0 { throw ExitCode(2) }
    }
}
