import ArgumentParser
import DroverCore
import DroverStore
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a recorded run: its recap, and the tasks that failed or changed."
    )

    @Argument(help: "The run's id (from `drover runs`).")
    var runID: Int64

    func run() throws {
        let store = try StoreOptions.open()
        let summary = try store.run(runID)
        Output.line("run \(summary.id): \(summary.playbook)")
        Output.line("status: \(summary.status.rawValue)\(summary.checkMode ? " (check mode)" : ""), by \(summary.user), started \(Period.format(summary.startedAt))"
            + (summary.endedAt.map { ", took \(Output.seconds(.milliseconds(Int($0.timeIntervalSince(summary.startedAt) * 1000))))" } ?? ""))
        if let parent = summary.parentRunID { Output.line("rollback of run \(parent)") }
        let results = try store.results(runID, statuses: [.failed, .unreachable, .changed])
        let failed = results.filter { $0.status.isFailure }
        let changed = results.filter { $0.status == .changed }
        if !failed.isEmpty {
            Output.line("\nfailed:")
            for r in failed {
                let ignored = r.ignored ? " (ignored)" : r.rescued ? " (rescued)" : ""
                Output.line("  [\(r.host)] \(r.task)\(r.item.map { " (item=\($0))" } ?? "")\(ignored): \(r.status.rawValue)"
                    + (r.rc.map { " rc=\($0)" } ?? "") + (r.msg.map { ": \($0)" } ?? ""))
                let stderr = String(decoding: try store.output(resultID: r.id, stderr: true), as: UTF8.self)
                for line in stderr.split(separator: "\n").prefix(10) { Output.line("      \(line)") }
            }
        }
        if !changed.isEmpty {
            Output.line("\nchanged:")
            for r in changed { Output.line("  [\(r.host)] \(r.task)\(r.item.map { " (item=\($0))" } ?? "")") }
        }
        Output.line("\nrecap:")
        for (host, s) in try store.recap(runID) {
            Output.line("  \(host.padding(toLength: 24, withPad: " ", startingAt: 0)) ok=\(s.ok) changed=\(s.changed) unreachable=\(s.unreachable) failed=\(s.failed) skipped=\(s.skipped) rescued=\(s.rescued) ignored=\(s.ignored)"
                + (s.cancelled > 0 ? " cancelled=\(s.cancelled)" : ""))
        }
    }
}
