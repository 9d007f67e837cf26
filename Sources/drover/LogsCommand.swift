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
            Results that recorded no stream (most modules other than command/shell, and no_log tasks) are left out. \
            Exit status: 0, or 64 when the run, host or task is not in the store.
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

    func run() throws {
        let store = try StoreOptions.open()
        let entries: [LogEntry]
        do {
            entries = try store.logs(runID, LogSelection(host: host, task: task, stderr: stderr))
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
        let stream = stderr ? "stderr" : "stdout"
        let recorded = entries.filter(\.recorded)
        if recorded.isEmpty {
            FileHandle.standardError.write(Data("run \(runID): none of the \(entries.count) matching results recorded \(stream)\n".utf8))
            return
        }
        for entry in recorded {
            if recorded.count > 1 { FileHandle.standardError.write(Data((entry.header + "\n").utf8)) }
            Output.bytes(try store.output(resultID: entry.resultID, stderr: stderr))
        }
    }
}
