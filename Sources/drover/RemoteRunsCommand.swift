import ArgumentParser
import DroverClient
import DroverCore
import Foundation
import OrderedCollections

/// `drover remote runs`: `GET /api/v1/runs`, newest first, as a table.
struct RemoteRunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the server's runs, newest first (CLI runs on its machine too)."
    )

    @ParentCommand var remote: RemoteCommand

    @Option(help: "Only runs with this status: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: String?

    @Option(help: "Only runs of this job template.")
    var template: String?

    @Option(help: "Only runs that included this host.")
    var host: String?

    @Option(help: "At most this many runs.")
    var limit = 50

    func validate() throws {
        try remote.options.check()
        if let status, RunStatus(rawValue: status) == nil {
            throw ValidationError("--status must be one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard limit >= 1 else { throw ValidationError("--limit takes a number of runs, 1 or more") }
    }

    func run() async throws {
        let runs = try await remote.options.withClient { client in
            var runs: [OrderedDictionaryOfValues] = []
            var cursor: String?
            repeat {
                let page = try await client.get("/api/v1/runs", query: [
                    ("status", status), ("template", template), ("host", host), ("limit", String(min(200, limit - runs.count))), ("cursor", cursor),
                ])
                guard case .dict(let fields) = page, case .list(let items)? = fields["items"] else { break }
                for case .dict(let run) in items { runs.append(run) }
                cursor = fields["next_cursor"]?.stringValue
            } while cursor != nil && runs.count < limit
            return runs
        }
        guard !runs.isEmpty else {
            Output.line("no runs match")
            return
        }
        let widths = [7, 21, 10, 13, 7, 8, 9, 16]
        Output.line(Table.row(["ID", "STARTED", "DURATION", "STATUS", "HOSTS", "FAILED", "CHANGED", "USER", "TEMPLATE"], widths: widths))
        for run in runs {
            let started = RemoteTime.date(run["started_at"])
            let ended = RemoteTime.date(run["ended_at"])
            let duration = started.flatMap { start in ended.map { RemoteTime.seconds($0.timeIntervalSince(start)) } } ?? "-"
            var what = run["template"]?.stringValue ?? run["playbook"]?.stringValue ?? ""
            if run["template"]?.stringValue == nil { what += " (\(run["kind"]?.stringValue ?? "run"), not a template's)" }
            if run["check"] == .bool(true) { what += " (check)" }
            if case .int(let parent)? = run["parent_run_id"] { what += " (of run \(parent))" }
            Output.line(Table.row([RemoteTime.number(run["id"]), started.map(Period.format) ?? "-", duration, run["status"]?.stringValue ?? "?",
                                   RemoteTime.number(run["hosts"]), RemoteTime.number(run["failed_hosts"]),
                                   RemoteTime.number(run["changed_tasks"]), run["user"]?.stringValue ?? "", what], widths: widths))
        }
    }
}

typealias OrderedDictionaryOfValues = OrderedDictionary<String, Value>

/// Reading the API's fields for display.
enum RemoteTime {
    static func date(_ value: Value?) -> Date? {
        guard let text = value?.stringValue else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The API's times are to the second: so are the durations shown.
    static func seconds(_ interval: TimeInterval) -> String {
        "\(Int(interval.rounded())) s"
    }

    static func number(_ value: Value?) -> String {
        if case .int(let number)? = value { return String(number) }
        return "-"
    }
}
