import ArgumentParser
import DroverClient
import DroverCore
import DroverEngine
import Foundation
import OrderedCollections

/// `drover remote show RUN`: `GET /api/v1/runs/{id}` and its failed and
/// changed results.
struct RemoteShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a run of the server: who launched what, how it ended, what failed or changed, the recap."
    )

    @ParentCommand var remote: RemoteCommand

    @OptionGroup var target: RemoteRunArgument
    var runID: Int64 { target.runID }

    func validate() throws {
        try remote.options.check()
    }

    /// At most this many results of each status are listed.
    static let shown = 200

    func run() async throws {
        let id = runID
        let (run, failed, changed, more) = try await remote.options.withClient { client in
            let run = try await client.get("/api/v1/runs/\(id)").dictionary
            var failed: [OrderedDictionaryOfValues] = [], changed: [OrderedDictionaryOfValues] = []
            var more = false
            for status in ["failed", "unreachable", "changed"] {
                let page = try await client.get("/api/v1/runs/\(id)/results", query: [("status", status), ("limit", String(Self.shown))]).dictionary
                let items = (page["items"]?.list ?? []).map(\.dictionary)
                if status == "changed" { changed = items } else { failed += items }
                more = more || page["next_cursor"]?.stringValue != nil
            }
            return (run, failed, changed, more)
        }
        render(run: run, failed: failed, changed: changed)
        if more { Output.line("\n(the first \(Self.shown) results of each status are listed: GET /api/v1/runs/\(id)/results has them all)") }
    }

    func render(run: OrderedDictionaryOfValues, failed: [OrderedDictionaryOfValues], changed: [OrderedDictionaryOfValues]) {
        let what = run["template"]?.stringValue.map { "template \($0) (\(run["playbook"]?.stringValue ?? ""))" } ?? (run["playbook"]?.stringValue ?? "")
        Output.line("run \(runID): \(what)")
        let started = RemoteTime.date(run["started_at"]), ended = RemoteTime.date(run["ended_at"])
        var line = "status: \(run["status"]?.stringValue ?? "?")\(run["check"] == .bool(true) ? " (check mode)" : ""), by \(run["user"]?.stringValue ?? "?")"
        if let started { line += ", started \(Period.format(started))" }
        if let started, let ended { line += ", took \(RemoteTime.seconds(ended.timeIntervalSince(started)))" }
        Output.line(line)
        if case .int(let parent)? = run["parent_run_id"] { Output.line("rollback of run \(parent)") }
        if let limit = run["limit"]?.stringValue { Output.line("limit: \(limit)") }
        if case .dict(let extra)? = run["extra_vars"], !extra.isEmpty { Output.line("extra vars: \(Value.dict(extra).jsonText())") }
        if !failed.isEmpty {
            Output.line("\nfailed:")
            for (task, results) in Self.byTask(failed) {
                Output.line("  \(task):")
                for result in results {
                    let message = result["msg"]?.stringValue.map { ": \($0)" } ?? ""
                    Output.line("      \(result["host"]?.stringValue ?? "?") \(result["status"]?.stringValue ?? "")\(message)")
                }
            }
        }
        if !changed.isEmpty {
            Output.line("\nchanged:")
            for (task, results) in Self.byTask(changed) {
                let hosts = results.compactMap { $0["host"]?.stringValue }
                Output.line("  \(task): changed on \(hosts.count == 1 ? hosts[0] : "\(Set(hosts).count) hosts")")
            }
        }
        if case .list(let stats)? = run["host_stats"], !stats.isEmpty {
            Output.line("\nrecap:")
            for entry in stats {
                let s = entry.dictionary
                let count = { (key: String) in RemoteTime.number(s[key]) }
                var counts = ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored"].map { "\($0)=\(count($0))" }
                if case .int(let cancelled)? = s["cancelled"], cancelled > 0 { counts.append("cancelled=\(cancelled)") }
                Output.line("  \((s["host"]?.stringValue ?? "?").padding(toLength: 24, withPad: " ", startingAt: 0)) " + counts.joined(separator: " "))
            }
        }
    }

    /// Results grouped by task (and loop item), in the order they came.
    static func byTask(_ results: [OrderedDictionaryOfValues]) -> OrderedDictionary<String, [OrderedDictionaryOfValues]> {
        var groups = OrderedDictionary<String, [OrderedDictionaryOfValues]>()
        for result in results {
            let label = (result["task"]?.stringValue ?? "?") + (result["item"]?.stringValue.map { " (item=\($0))" } ?? "")
            groups[label, default: []].append(result)
        }
        return groups
    }
}

extension Value {
    var list: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }
}
