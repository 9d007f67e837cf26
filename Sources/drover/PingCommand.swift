import DroverRuntime
import ArgumentParser
import DroverSSH

struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping",
        abstract: "Connect to each host, log in, and run `true`.",
        discussion: "Prints ok or unreachable (with the reason) per host and a summary. Exit code 0 only when every host is ok, 4 otherwise."
    )

    @OptionGroup var inventory: InventoryOptions
    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "Host pattern (default: all).")
    var pattern: String = "all"

    func run() async throws {
        let hosts = try inventory.selectHosts(pattern)
        let targets = try hosts.map { try SSHTarget(host: $0.name, vars: $0.vars, options: connection.settings) }
        let clock = ContinuousClock()
        let started = clock.now
        var ok = 0
        var unreachable = 0
        await fanOut(targets, limit: connection.forks) { target in
            let begin = clock.now
            do {
                let ssh = try await SSHConnection.connect(to: target)
                let result = try await ssh.exec("true")
                await ssh.close()
                guard result.exitStatus == 0 else {
                    return (target, "FAILED: `true` exited with \(result.exitStatus.map(String.init) ?? result.exitSignal ?? "?") (is the login shell usable?)", false)
                }
                return (target, "ok (\((clock.now - begin).milliseconds) ms)", true)
            } catch {
                return (target, "UNREACHABLE: \((error as? SSHError)?.message ?? "\(error)")", false)
            }
        } report: { (target: SSHTarget, line: String, success: Bool) in
            if success { ok += 1 } else { unreachable += 1 }
            Output.line("\(target.name) | \(line)")
        }
        Output.line("ping: \(ok) ok, \(unreachable) unreachable of \(targets.count) host(s) in \(Output.seconds(clock.now - started))")
        if unreachable > 0 { throw ExitCode(4) }
    }
}
