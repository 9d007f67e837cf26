import DroverCore
import DroverSSH
import Foundation

/// collect (Drover's own): brings remote log files (globs allowed) or a
/// systemd unit's journal since the run started into the run store.
struct CollectModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let maxBytes = max(1, args.int("max_bytes") ?? 1 << 20)
        var result = ModuleResult()
        var listed: [Value] = []
        for pattern in args.list("paths") ?? [] {
            // Globs are expanded by the host's shell; each match is one log.
            let found = try await context.agent.exec("for f in \(Self.globQuote(pattern)); do [ -f \"$f\" ] && printf '%s\\n' \"$f\"; done; :")
            let files = found.stdoutText.split(separator: "\n").map(String.init)
            if files.isEmpty { listed.append(.dict(["source": .string(pattern), "missing": .bool(true)])) }
            for file in files {
                let r = try await context.agent.exec("tail -c \(maxBytes) \(shellQuote(file))")
                guard r.rc == 0 else { continue }
                result.collected.append(CollectedLog(source: file, content: r.stdout))
                listed.append(.dict(["source": .string(file), "size": .int(r.stdout.count)]))
            }
        }
        if let unit = args.string("journal") {
            let since = args.string("since") ?? "@\(Int(context.runStarted.timeIntervalSince1970))"
            let r = try await context.agent.exec(
                "command -v journalctl >/dev/null || { echo 'journalctl not found on the host' >&2; exit 127; }; "
                + "journalctl -u \(shellQuote(unit)) --since \(shellQuote(since)) --no-pager -o short-iso | tail -c \(maxBytes)")
            guard r.rc == 0 else {
                return .failure("cannot read the journal of \(unit): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            result.collected.append(CollectedLog(source: "journal:\(unit)", content: r.stdout))
            listed.append(.dict(["source": .string("journal:\(unit)"), "size": .int(r.stdout.count)]))
        }
        result.values["collected"] = .list(listed)
        return result
    }

    /// Quotes a path but leaves `*`, `?` and `[...]` for the shell to expand.
    static func globQuote(_ pattern: String) -> String {
        var out = ""
        var literal = ""
        func flush() {
            if !literal.isEmpty { out += shellQuote(literal) }
            literal = ""
        }
        for character in pattern {
            if "*?[]".contains(character) {
                flush()
                out.append(character)
            } else {
                literal.append(character)
            }
        }
        flush()
        return out
    }
}
