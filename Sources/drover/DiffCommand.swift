import ArgumentParser
import DroverStore
import Foundation

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two recorded runs per host and task: new failures first.",
        discussion: """
            Results are matched by host name and by task title (with loop item and occurrence). Printed in order: \
            new failures, fixed failures, other status changes, changed stdout (a short unified diff), tasks only \
            in one run, hosts only in one run; one line per task and outcome with its hosts summarised (-v: one \
            line per host). When the runs ran different playbooks, the first line says so. Exit status like \
            diff(1): 0 when nothing differs, 1 when something does, 2 on an error (a run not in the store).
            """
    )

    @Argument(help: "The earlier run's id.")
    var runA: Int64

    @Argument(help: "The later run's id.")
    var runB: Int64

    @Option(help: "At most this many lines of unified diff per changed output.")
    var diffLines = 20

    @Flag(name: .short, help: "One line per host and task instead of one per task.")
    var verbose = false

    func run() throws {
        let diff: RunDiff
        do {
            diff = try StoreOptions.open().diff(runA, runB, maxDiffLines: diffLines)
        } catch let error as StoreError {
            // 1 says the runs differ, so an error is 2, as in diff(1).
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
        for line in diff.report(verbose: verbose) { Output.line(line) }
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
