import DroverCore
import DroverStore

/// The failed and changed tasks of a recorded run, as `drover show`
/// prints them: per task with hosts summarised, or per host (-v).
struct RunListing {
    let store: Store
    let results: [StoredResult]

    /// One task (or loop item) of the run: its results on every host.
    private struct TaskResults {
        var label: String
        var results: [StoredResult]
        var tally: String { HostSummary.tally(results.map(\.status)) }
    }

    /// `maybe fail: failed on 1 host, skipped on 1`, each failure's
    /// outcome with its hosts and the first host's stderr; then
    /// `say: changed on 18 hosts, ok on 2`.
    func printPerTask() throws {
        var tasks: [TaskResults] = []
        var index: [String: Int] = [:]
        for r in results {
            let key = "\(r.taskIndex)\u{0}\(r.item ?? "")"
            if let at = index[key] { tasks[at].results.append(r); continue }
            index[key] = tasks.count
            tasks.append(TaskResults(label: r.task + Self.itemLabel(r), results: [r]))
        }
        let failed = tasks.filter { $0.results.contains { $0.status.isFailure } }
        if !failed.isEmpty {
            Output.line("\nfailed:")
            for task in failed {
                Output.line("  \(task.label): \(task.tally)")
                try printFailures(task.results.filter { $0.status.isFailure })
            }
        }
        let changed = tasks.filter { $0.results.contains { $0.status == .changed } }
        if !changed.isEmpty {
            Output.line("\nchanged:")
            for task in changed { Output.line("  \(task.label): \(task.tally)") }
        }
    }

    /// Each distinct outcome once, with its hosts and the first one's stderr.
    private func printFailures(_ failures: [StoredResult]) throws {
        var order: [String] = []
        var byOutcome: [String: [StoredResult]] = [:]
        for r in failures {
            let outcome = Self.outcome(r) + Self.marker(r)
            if byOutcome[outcome] == nil { order.append(outcome) }
            byOutcome[outcome, default: []].append(r)
        }
        for outcome in order {
            let group = byOutcome[outcome] ?? []
            Output.line("      \(HostSummary.named(group.map(\.host))): \(outcome)")
            try printStderr(group[0], indent: "          ")
        }
    }

    /// Today's long form: one line per failed or changed result.
    func printPerHost() throws {
        let failed = results.filter { $0.status.isFailure }
        let changed = results.filter { $0.status == .changed }
        if !failed.isEmpty {
            Output.line("\nfailed:")
            for r in failed {
                Output.line("  [\(r.host)] \(r.task)\(Self.itemLabel(r))\(Self.marker(r)): \(Self.outcome(r))")
                try printStderr(r, indent: "      ")
            }
        }
        if !changed.isEmpty {
            Output.line("\nchanged:")
            for r in changed { Output.line("  [\(r.host)] \(r.task)\(Self.itemLabel(r))") }
        }
    }

    /// `failed rc=3: non-zero return code`.
    private static func outcome(_ r: StoredResult) -> String {
        r.status.rawValue + (r.rc.map { " rc=\($0)" } ?? "") + (r.msg.map { ": \($0)" } ?? "")
    }

    /// ` (ignored)` or ` (rescued)`: a failure that did not stop the host.
    private static func marker(_ r: StoredResult) -> String {
        r.ignored ? " (ignored)" : r.rescued ? " (rescued)" : ""
    }

    private static func itemLabel(_ r: StoredResult) -> String { r.item.map { " (item=\($0))" } ?? "" }

    /// The first ten lines of a result's stderr.
    private func printStderr(_ r: StoredResult, indent: String) throws {
        let stderr = String(decoding: try store.output(resultID: r.id, stderr: true), as: UTF8.self)
        for line in stderr.split(separator: "\n").prefix(10) { Output.line(indent + line) }
    }
}
