import ArgumentParser
import DroverCore
import DroverStore
import Foundation

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a recorded run: its recap, and the tasks that failed or changed.",
        discussion: "One line per task with its hosts summarised (`changed on 18 hosts, ok on 2`); -v lists every host's result."
    )

    @Argument(help: "The run's id (from `drover runs`).")
    var runID: Int64

    @Flag(name: .short, help: "One line per host and task instead of one per task.")
    var verbose = false

    func run() throws {
        let store = try StoreOptions.open()
        let summary = try store.run(runID)
        Output.line("run \(summary.id): \(summary.playbook)")
        Output.line("status: \(summary.status.rawValue)\(summary.checkMode ? " (check mode)" : ""), by \(summary.user), started \(Period.format(summary.startedAt))"
            + (summary.endedAt.map { ", took \(Output.seconds(.milliseconds(Int($0.timeIntervalSince(summary.startedAt) * 1000))))" } ?? ""))
        if let parent = summary.parentRunID { Output.line("rollback of run \(parent)") }
        let results = try store.results(runID)
        let listing = RunListing(store: store, results: results)
        if verbose { try listing.printPerHost() } else { try listing.printPerTask() }
        Output.line("\nrecap:")
        for (host, s) in try store.recap(runID) {
            Output.line("  \(host.padding(toLength: 24, withPad: " ", startingAt: 0)) ok=\(s.ok) changed=\(s.changed) unreachable=\(s.unreachable) failed=\(s.failed) skipped=\(s.skipped) rescued=\(s.rescued) ignored=\(s.ignored)"
                + (s.cancelled > 0 ? " cancelled=\(s.cancelled)" : ""))
        }
    }
}
