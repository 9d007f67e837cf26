import ArgumentParser
import DroverStore
import Foundation

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print the exact stored stdout (or stderr) of a run's results.",
        discussion: """
            The bytes go to stdout exactly as recorded, nothing added. When several results match, a line \
            `==> [host] task <==` goes to stderr before each one, so `drover logs RUN > file` keeps only the output. \
            On a terminal, an output that does not end with a newline gets one, so the next header and the prompt \
            start a line of their own (--raw prints the bytes alone there too). \
            Results that recorded no stream (most modules other than command/shell, and no_log tasks) are left out. \
            Exit status: 0, or 1 when the run, host or task is not in the store.
            """
    )

    @Argument(help: "The run's id (from `drover runs`).")
    var runID: Int64

    @Option(help: "Only this host's results.")
    var host: String?

    @Option(help: "Only this task: its number in the run, or its title (exact, else every title containing the text).")
    var task: String?

    @Flag(help: "Print stderr instead of stdout.")
    var stderr = false

    @Flag(help: "Print the logs collected from hosts (collect, collect_on_failure) instead.")
    var collected = false

    @Flag(help: "On a terminal too, print the stored bytes alone (no newline added after an output that lacks one).")
    var raw = false

    func validate() throws {
        if collected && (task != nil || stderr) { throw ValidationError("--collected takes only --host") }
    }

    func run() throws {
        let store = try StoreOptions.open()
        if collected {
            try printCollected(store)
            return
        }
        let entries = try store.logs(runID, LogSelection(host: host, task: task, stderr: stderr))
        let stream = stderr ? "stderr" : "stdout"
        let recorded = entries.filter(\.recorded)
        if recorded.isEmpty {
            FileHandle.standardError.write(Data("run \(runID): none of the \(entries.count) matching results recorded \(stream)\n".utf8))
            return
        }
        for entry in recorded {
            if recorded.count > 1 { FileHandle.standardError.write(Data((entry.header + "\n").utf8)) }
            printBlock(try store.output(resultID: entry.resultID, stderr: stderr))
        }
    }

    /// A terminal shows stdout and stderr as one stream: an output without
    /// a final newline would have the next header, or the prompt, glued to
    /// its last line. Piped, the bytes stay exact.
    private func printBlock(_ bytes: [UInt8]) {
        Output.bytes(bytes)
        if !raw && isatty(STDOUT_FILENO) != 0, let last = bytes.last, last != UInt8(ascii: "\n") { Output.bytes([UInt8(ascii: "\n")]) }
    }

    /// Collected logs: exact bytes on stdout, a `==> [host] source <==` line on stderr before each.
    private func printCollected(_ store: Store) throws {
        _ = try store.run(runID)
        let logs = try store.collectedLogs(runID, host: host)
        if logs.isEmpty {
            FileHandle.standardError.write(Data("run \(runID) collected no logs\(host.map { " from \($0)" } ?? "")\n".utf8))
            return
        }
        for log in logs {
            FileHandle.standardError.write(Data("==> [\(log.host)] \(log.source) (\(log.size) bytes) <==\n".utf8))
            printBlock(try store.content(of: log))
        }
    }
}
