import DroverCore

extension ConsoleObserver {
    /// The PLAY RECAP (coloured as ansible-playbook colours it), or the
    /// --json document.
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
            let padding = String(repeating: " ", count: width - name.count)
            Output.line(palette.paint(name, hostColor(s)) + padding + ": " + counts(s))
        }
        if verbosity > 0 { Output.line(roundTrips.recapLine) }
        Output.line("\nfinished in \(Output.seconds(recap.duration))")
    }

    /// Red when the host failed or was unreachable, yellow when it changed, else green.
    private func hostColor(_ s: HostStats) -> TerminalColor {
        s.failed > 0 || s.unreachable > 0 ? .red : s.changed > 0 ? .yellow : .green
    }

    /// `ok=1    changed=0 …`, each count other than 0 in its colour.
    private func counts(_ s: HostStats) -> String {
        let columns: [(String, Int, TerminalColor)] = [
            ("ok", s.ok, .green), ("changed", s.changed, .yellow), ("unreachable", s.unreachable, .brightRed),
            ("failed", s.failed, .red), ("skipped", s.skipped, .cyan), ("rescued", s.rescued, .green),
            ("ignored", s.ignored, .brightPurple),
        ]
        // Ansible's `%s=%-4s`: the count left-aligned in four columns.
        var line = columns.map { name, count, color in
            let number = String(count)
            return palette.paint("\(name)=\(number)" + String(repeating: " ", count: max(0, 4 - number.count)), count == 0 ? nil : color)
        }.joined(separator: " ")
        if s.cancelled > 0 { line += " " + palette.paint("cancelled=\(s.cancelled)", .brightPurple) }
        return line
    }
}
