import ArgumentParser
import DroverClient
import DroverCore

/// `drover remote follow RUN`: a run's events again (after Ctrl-C stopped
/// following it, or a run someone else launched), printed as `launch
/// --follow` prints them.
struct RemoteFollowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "follow",
        abstract: "Follow a run of the server to its end, printed as drover run prints it; exits with its status.",
        discussion: """
            A run the server holds in memory (running, queued, or one of its last 64) is printed from its start \
            exactly as launch --follow prints it; an older one, or a CLI run on the server's machine, is \
            replayed from the store: its results under their task banners, then the recap.
            """
    )

    @ParentCommand var remote: RemoteCommand

    @OptionGroup var target: RemoteRunArgument
    var runID: Int64 { target.runID }

    @Flag(name: [.customShort("D"), .customLong("diff")], help: "Show the before and after of changed files.")
    var diff = false

    @Flag(name: .short, help: "More output (-v shows every result and live command output).")
    var verbose: Int

    @OptionGroup var terminal: TerminalOptions

    func validate() throws {
        try remote.options.check()
    }

    func run() async throws {
        let id = runID
        try await remote.options.withClient { client in
            let console = ConsoleObserver(json: false, verbosity: verbose, diff: diff, palette: terminal.palette)
            try await RemoteFollow(client: client, runID: id, console: console).finish()
        }
    }
}

extension RemoteFollow {
    /// Follows the run, prints the line `drover run` ends with (naming
    /// the command that shows the run from here), and exits as it would.
    func finish() async throws {
        let end = try await run()
        if end.status == .cancelled {
            Output.line("run \(runID) cancelled after \(Output.seconds(end.duration))")
        } else {
            Output.line("run \(runID) recorded: `drover remote show \(runID)`")
        }
        let code = end.status.exitCode(recap: end.recap)
        if code != 0 { throw ExitCode(code) }
    }
}
