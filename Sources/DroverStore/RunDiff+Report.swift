extension RunDiff {
    /// The report `drover diff` prints: a word first when the runs ran
    /// different playbooks, then new failures first. One line per task and
    /// outcome with its hosts summarised, or with `verbose` one per host.
    public func report(verbose: Bool = false) -> [String] {
        let note = playbookA == playbookB ? [] : [
            "runs \(runA) and \(runB) ran different playbooks (\(playbookA) and \(playbookB)); their results are matched by host and task title",
        ]
        if isEmpty { return note + ["runs \(runA) and \(runB) do not differ (\(compared) results compared)"] }
        var out = note
        func section(_ title: String, _ items: [Entry]) {
            guard !items.isEmpty else { return }
            out.append("\(title) (\(items.count)):")
            out += verbose ? items.flatMap(\.longForm) : Entry.grouped(items)
        }
        func failure(_ o: Outcome) -> String { o.label + (o.msg.map { ": \(Self.oneLine($0))" } ?? "") }
        section("new failures", newFailures.map { Entry(key: $0.key, text: "\($0.before.label) → \(failure($0.after))") })
        section("fixed", fixedFailures.map { Entry(key: $0.key, text: "\(failure($0.before)) → \($0.after.label)") })
        section("status changes", statusChanges.map { Entry(key: $0.key, text: "\($0.before.label) → \($0.after.label)") })
        section("changed output", changedOutputs.map { Entry(key: $0.key, text: "stdout differs", detail: $0.diff) })
        section("tasks only in run \(runA)", onlyInA.map { Entry(key: $0) })
        section("tasks only in run \(runB)", onlyInB.map { Entry(key: $0) })
        if !hostsOnlyInA.isEmpty { out.append("hosts only in run \(runA): \(hostsOnlyInA.joined(separator: ", "))") }
        if !hostsOnlyInB.isEmpty { out.append("hosts only in run \(runB): \(hostsOnlyInB.joined(separator: ", "))") }
        out.append("runs \(runA) and \(runB) differ: \(newFailures.count) new failures, \(fixedFailures.count) fixed, "
            + "\(statusChanges.count) other status changes, \(changedOutputs.count) changed outputs, "
            + "\(onlyInA.count + onlyInB.count) tasks and \(hostsOnlyInA.count + hostsOnlyInB.count) hosts in one run only "
            + "(\(compared) results compared)")
        return out
    }
}

/// One host's line of a section, and the lines under it (a diff).
private struct Entry {
    var key: RunDiff.TaskKey
    var text = ""
    var detail: [String] = []

    /// `: text`, or nothing (a task only one run has).
    private static func suffix(_ text: String) -> String { text.isEmpty ? "" : ": " + text }

    /// `  [h1] install: changed → failed`, then the detail.
    var longForm: [String] { ["  " + key.label + Self.suffix(text)] + detail.map { "    " + $0 } }

    /// One line per task, text and detail, in order of first appearance:
    /// `  install on 3 hosts (h1, h2, h3): changed → failed`.
    static func grouped(_ entries: [Entry]) -> [String] {
        struct Group: Hashable { var task: String, text: String, detail: [String] }
        var order: [Group] = []
        var hosts: [Group: [String]] = [:]
        for entry in entries {
            let group = Group(task: entry.key.taskLabel, text: entry.text, detail: entry.detail)
            if hosts[group] == nil { order.append(group) }
            hosts[group, default: []].append(entry.key.host)
        }
        return order.flatMap { group in
            ["  \(group.task) on \(HostSummary.named(hosts[group] ?? []))" + suffix(group.text)] + group.detail.map { "    " + $0 }
        }
    }
}
