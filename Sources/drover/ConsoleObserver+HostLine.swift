import DroverCore

extension ConsoleObserver {
    /// One host's result: its `--diff`, then its line, in its status's colour.
    func hostReported(_ report: HostTaskReport) {
        for line in liveLines.end(host: report.host) { Output.line(line) }
        // The engine censors no_log reports already; this printer never relies on it.
        let report = report.censored
        let result = shownResult(report)
        if currentTask != nil { currentTask!.hosts[report.host] = result }
        roundTrips.add(report.roundTrips)
        guard !json else { return }
        if diff && !report.noLog {
            for d in report.diffs { for line in d.unifiedLines { Output.line(palette.diffLine(line)) } }
        }
        if report.loop?.isLast ?? (report.item == nil) { progress.done += 1 }
        Output.line(palette.paint(hostLine(report, result: result), .of(report.status)))
        // ansible-playbook shows an ignored failure's note in its "skip" colour.
        if report.status == .failed && report.ignored { Output.line(palette.paint("...ignoring", .cyan)) }
    }

    /// The result as printed and kept for --json: censored under no_log,
    /// with the loop item.
    private func shownResult(_ report: HostTaskReport) -> Value {
        var result = report.noLog ? Value.dict(["censored": .string("the output has been hidden due to the fact that 'no_log: true' was specified for this result"),
                                                 "changed": report.result.dictionary["changed"] ?? .bool(false)]) : report.result
        if let item = report.item, case .dict(var d) = result { d["item"] = .string(item); result = .dict(d) }
        return result
    }

    /// `[host]` or `[host -> delegate]`, with the progress counter on a
    /// terminal: the host's items on a loop item, else the task's hosts.
    private func who(_ report: HostTaskReport) -> String {
        let who = report.delegatedTo.map { "[\(report.host) -> \($0)]" } ?? "[\(report.host)]"
        guard showProgress else { return who }
        if let loop = report.loop { return loop.count > 1 ? who + " (\(loop.index)/\(loop.count))" : who }
        return progress.total > 1 ? who + " (\(progress.done)/\(progress.total))" : who
    }

    /// The line ansible-playbook prints for this result (without colour).
    private func hostLine(_ report: HostTaskReport, result: Value) -> String {
        let who = who(report)
        let item = report.item.map { " => (item=\($0))" } ?? ""
        switch report.status {
        case .ok, .changed:
            let word = report.status == .changed ? "changed" : "ok"
            guard report.showResult || verbosity > 0 else { return "\(word): \(who)\(item)" }
            var shown = result.dictionary
            if report.showResult {
                // debug prints only its message; assert also shows `changed`.
                let hidden: Set<String> = report.module == "debug" ? ["changed", "failed"] : ["failed"]
                shown = shown.filter { !hidden.contains($0.key) }
            }
            return "\(word): \(who)\(item) => \(Value.dict(shown).jsonText(indent: 4))"
        case .skipped:
            return "skipping: \(who)\(item)"
        case .failed:
            return "\(report.item == nil ? "fatal" : "failed"): \(who)\(report.item == nil ? ": FAILED!" : "\(item)") => \(result.jsonText())"
        case .unreachable:
            return "fatal: \(who): UNREACHABLE! => \(result.jsonText())"
        case .cancelled:
            return "cancelled: \(who)\(item) => \(result.jsonText())"
        }
    }
}
