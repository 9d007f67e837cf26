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
    private var plays: [Value] = []
    private var tasks: [Value] = []
    private var currentTask: (title: String, hosts: [String: Value])?
    /// On a terminal each host line starts with `[done/total]` for its task.
    private let showProgress = isatty(STDOUT_FILENO) != 0
    private var progress = (done: 0, total: 0)
    private var roundTrips = RoundTripTally()
    private var liveLines = LiveLines()

    init(json: Bool, verbosity: Int, diff: Bool) {
        self.json = json
        self.verbosity = verbosity
        self.diff = diff
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
        for await numbered in events {
            switch numbered.event {
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

    func hostReported(_ report: HostTaskReport) {
        for line in liveLines.end(host: report.host) { Output.line(line) }
        // The engine censors no_log reports already; this printer never relies on it.
        let report = report.censored
        var result = report.result
        if report.item != nil, case .dict(var d) = result { d["item"] = .string(report.item!); result = .dict(d) }
        if currentTask != nil { currentTask!.hosts[report.host] = result }
        roundTrips.add(report.roundTrips)
        guard !json else { return }
        if diff {
            for d in report.diffs { Output.line(UnifiedDiff.render(d)) }
        }
        var who = report.delegatedTo.map { "[\(report.host) -> \($0)]" } ?? "[\(report.host)]"
        if report.item == nil { progress.done += 1 }
        if showProgress && progress.total > 1 { who += " (\(progress.done)/\(progress.total))" }
        let item = report.item.map { " => (item=\($0))" } ?? ""
        switch report.status {
        case .ok, .changed:
            let word = report.status == .changed ? "changed" : "ok"
            if report.showResult || verbosity > 0 {
                var shown = result.dictionary
                if report.showResult {
                    // debug prints only its message; assert also shows `changed`.
                    let hidden: Set<String> = report.module == "debug" ? ["changed", "failed"] : ["failed"]
                    shown = shown.filter { !hidden.contains($0.key) }
                }
                Output.line("\(word): \(who)\(item) => \(Value.dict(shown).jsonText(indent: 4))")
            } else {
                Output.line("\(word): \(who)\(item)")
            }
        case .skipped:
            Output.line("skipping: \(who)\(item)")
        case .failed:
            Output.line("\(report.item == nil ? "fatal" : "failed"): \(who)\(report.item == nil ? ": FAILED!" : "\(item)") => \(result.jsonText())")
            if report.ignored { Output.line("...ignoring") }
        case .unreachable:
            Output.line("fatal: \(who): UNREACHABLE! => \(result.jsonText())")
        case .cancelled:
            Output.line("cancelled: \(who)\(item) => \(result.jsonText())")
        }
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

    func runFinished(_ recap: RunRecap) {
        flushTask()
        printRoundTrips()
        closePlay()
        if json {
            var stats: [(String, Value)] = []
            for (name, s) in recap.hosts {
                stats.append((name, .dict(["ok": .int(s.ok), "changed": .int(s.changed), "unreachable": .int(s.unreachable),
                                           "failures": .int(s.failed), "skipped": .int(s.skipped), "rescued": .int(s.rescued),
                                           "ignored": .int(s.ignored)])))
            }
            let document: Value = .dict(["plays": .list(plays), "stats": .dict(.init(uniqueKeysWithValues: stats)),
                                         "duration_seconds": .double(Double(recap.duration.milliseconds) / 1000)])
            Output.line(document.jsonText(indent: 4))
            return
        }
        banner("PLAY RECAP")
        let width = max(26, (recap.hosts.map(\.name.count).max() ?? 0) + 1)
        for (name, s) in recap.hosts {
            let padded = name.padding(toLength: width, withPad: " ", startingAt: 0)
            Output.line("\(padded): ok=\(s.ok)    changed=\(s.changed)    unreachable=\(s.unreachable)    failed=\(s.failed)    skipped=\(s.skipped)    rescued=\(s.rescued)    ignored=\(s.ignored)   " + (s.cancelled > 0 ? " cancelled=\(s.cancelled)" : ""))
        }
        if verbosity > 0 { Output.line(roundTrips.recapLine) }
        Output.line("\nfinished in \(Output.seconds(recap.duration))")
    }

    /// -v: what the task just finished cost in round trips.
    private func printRoundTrips() {
        guard let line = roundTrips.endTask(), verbosity > 0, !json else { return }
        Output.line(line)
    }

    private func flushTask() {
        guard let task = currentTask else { return }
        tasks.append(.dict(["task": .dict(["name": .string(task.title)]), "hosts": .dict(.init(uniqueKeysWithValues: task.hosts.sorted { $0.key < $1.key }))]))
        currentTask = nil
    }

    private func closePlay() {
        guard let name = pendingPlay else { return }
        plays.append(.dict(["play": .dict(["name": .string(name)]), "tasks": .list(tasks)]))
        tasks = []
        pendingPlay = nil
    }

    private func banner(_ title: String) {
        Output.line("\n\(title) " + String(repeating: "*", count: max(3, 79 - title.count)))
    }
}

/// A unified diff of a file's before and after, for --diff.
enum UnifiedDiff {
    static func render(_ diff: FileDiff) -> String {
        let a = diff.before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = diff.after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out = "--- before: \(diff.beforeHeader)\n+++ after: \(diff.afterHeader)\n"
        let changes = b.difference(from: a)
        var removed = Set<Int>(), inserted = Set<Int>()
        for change in changes {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if i < a.count, removed.contains(i) { out += "-\(a[i])\n"; i += 1; continue }
            if j < b.count, inserted.contains(j) { out += "+\(b[j])\n"; j += 1; continue }
            if i < a.count { out += " \(a[i])\n" }
            i += 1; j += 1
        }
        return out
    }
}
