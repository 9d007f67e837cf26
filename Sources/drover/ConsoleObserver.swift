import DroverCore
import DroverEngine
import DroverRuntime
import Foundation

/// Prints a run as ansible-playbook does (PLAY, TASK, one line per host,
/// PLAY RECAP), or, with --json, one JSON document at the end.
actor ConsoleObserver: RunObserver {
    let json: Bool
    let verbosity: Int
    let diff: Bool
    let palette: Palette
    var plays: [Value] = []
    private var tasks: [Value] = []
    var currentTask: (title: String, hosts: [String: Value])?
    /// On a terminal each host line shows `(done/total)`: hosts done with
    /// the task, or, on a loop item, the host's items done.
    let showProgress = Terminal.stdoutIsTerminal
    var progress = (done: 0, total: 0)
    var roundTrips = RoundTripTally()
    var liveLines = LiveLines()

    init(json: Bool, verbosity: Int, diff: Bool, palette: Palette = .plain) {
        self.json = json
        self.verbosity = verbosity
        self.diff = diff
        self.palette = palette
    }

    func playStarted(_ play: Play, hosts: [String]) {
        startPlay(play.name ?? play.hosts)
    }

    private func startPlay(_ name: String) {
        flushTask()
        if !tasks.isEmpty || !plays.isEmpty { closePlay() }
        pendingPlay = name
        guard !json else { return }
        banner("PLAY [\(name)]")
    }

    /// Prints a run from its published events (as a subscriber of the run).
    func consume(_ events: AsyncStream<EventHub<RunEvent>.Numbered>) async {
        for await numbered in events { show(numbered.event) }
    }

    /// Prints one event of a run: from its hub (`drover run`) or decoded
    /// from a server's event stream (`drover remote launch --follow`).
    func show(_ event: RunEvent) {
        switch event {
        case .runStarted: break
        case .playStarted(_, let name, _): startPlay(name)
        case .taskStarted(let id, let title, _, _, let hosts, let handler):
            taskStarted(title, id: id, task: nil, hosts: hosts, handler: handler)
        case .hostResult(let report): hostReported(report)
        case .output(let chunk): showLive(chunk)
        case .message(let text): message(text)
        case .recap(let recap): runFinished(recap)
        case .runFinished: break
        }
    }

    /// -v: a long task's output as it comes, line by line, prefixed by host.
    func outputChunk(_ chunk: OutputChunk) {
        showLive(chunk)
    }

    private func showLive(_ chunk: OutputChunk) {
        guard verbosity > 0, !json else { return }
        for line in liveLines.add(chunk) { Output.line(line) }
    }

    private var pendingPlay: String?

    func taskStarted(_ title: String, id: TaskID, task: Task?, hosts: Int, handler: Bool) {
        flushTask()
        printRoundTrips()
        currentTask = (title, [:])
        progress = (0, hosts)
        guard !json else { return }
        banner("\(handler ? "RUNNING HANDLER" : "TASK") [\(title)]")
    }

    func message(_ text: String) {
        // Errors go to stderr, as ansible-playbook's do, --json or not.
        if text.hasPrefix("ERROR! ") {
            FileHandle.standardError.write(Data((text + "\n").utf8))
            return
        }
        guard !json else { return }
        Output.line(text)
    }

    /// -v: what the task just finished cost in round trips.
    func printRoundTrips() {
        guard let line = roundTrips.endTask(), verbosity > 0, !json else { return }
        Output.line(line)
    }

    func flushTask() {
        guard let task = currentTask else { return }
        tasks.append(.dict(["task": .dict(["name": .string(task.title)]), "hosts": .dict(.init(uniqueKeysWithValues: task.hosts.sorted { $0.key < $1.key }))]))
        currentTask = nil
    }

    func closePlay() {
        guard let name = pendingPlay else { return }
        plays.append(.dict(["play": .dict(["name": .string(name)]), "tasks": .list(tasks)]))
        tasks = []
        pendingPlay = nil
    }

    func banner(_ title: String) {
        Output.line("\n\(title) " + String(repeating: "*", count: max(3, 79 - title.count)))
    }
}
