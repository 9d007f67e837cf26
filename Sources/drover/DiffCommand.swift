import ArgumentParser
import DroverStore

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two recorded runs per host and task: new failures first.",
        discussion: """
            Results are matched by host name and by task title (with loop item and occurrence). Printed in order: \
            new failures, fixed failures, other status changes, changed stdout (a short unified diff), tasks only \
            in one run, hosts only in one run; one line per task and outcome with its hosts summarised (-v: one \
            line per host). When the runs ran different playbooks, the first line says so. Exit status like \
            diff(1): 0 when nothing differs, 1 when something does, 64 when a run is not in the store.
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
        let store = try StoreOptions.open()
        let diff: RunDiff
        do {
            diff = try store.diff(runA, runB, maxDiffLines: diffLines)
        } catch let error as StoreError {
            throw ValidationError(error.message)
        }
        for line in diff.report(verbose: verbose) { Output.line(line) }
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
