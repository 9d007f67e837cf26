import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// command, shell and raw: run a command line through the agent's `exec`.
struct CommandModule: Module {
    enum Kind { case command, shell, raw }
    let kind: Kind

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let commandLine: Value
        let script: String
        switch kind {
        case .command:
            let words: [String]
            if let argv = args["argv"], case .list(let items) = argv {
                words = items.map(\.text)
            } else {
                let text = args.string("cmd") ?? args.string("_raw_params") ?? ""
                do {
                    words = try ShellWords.split(text).map(\.text)
                } catch {
                    return .failure("cannot split the command line `\(text)`: an unterminated quote?")
                }
            }
            guard !words.isEmpty else { return .failure("no command given") }
            commandLine = .list(words.map(Value.string))
            // Ansible executes the program directly, and so does the agent:
            // a missing one is an execution error (rc 2, not changed).
            return try await CommandRunner.run(.argv(words), commandLine: commandLine, context: context)
        case .shell, .raw:
            let text = args.string("cmd") ?? args.string("_raw_params") ?? ""
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure("no command given") }
            commandLine = .string(text)
            if let executable = args.string("executable") {
                script = "exec \(shellQuote(executable)) -c \(shellQuote(text))"
            } else {
                script = text
            }
        }
        return try await CommandRunner.run(.script(script), commandLine: commandLine, context: context,
                                           supportsCheck: kind != .raw)
    }
}

/// The shared part of command, shell, raw and script: creates/removes,
/// check mode, chdir, stdin and Ansible's result shape.
enum CommandRunner {
    /// What runs: a shell script, or a program and its arguments.
    enum Program { case script(String), argv([String]) }

    static func run(_ program: Program, commandLine: Value, context: ModuleContext, supportsCheck: Bool = true,
                    stdinBytes: [UInt8]? = nil) async throws -> ModuleResult {
        let args = context.arguments
        var result = ModuleResult()
        result.values["cmd"] = commandLine
        if let creates = args.string("creates"), try await exists(creates, context) {
            result.msg = "Did not run command since '\(creates)' exists"
            result.values["rc"] = .int(0)
            result.values["stdout"] = .string("skipped, since \(creates) exists")
            return result
        }
        if let removes = args.string("removes"), !(try await exists(removes, context)) {
            result.msg = "Did not run command since '\(removes)' does not exist"
            result.values["rc"] = .int(0)
            result.values["stdout"] = .string("skipped, since \(removes) does not exist")
            return result
        }
        if context.checkMode {
            result.msg = "Command would have run if not in check mode"
            result.values["rc"] = .int(0)
            if args.string("creates") == nil && args.string("removes") == nil { result.skipped = true }
            return result
        }
        var stdin = stdinBytes ?? []
        if stdinBytes == nil, let text = args.string("stdin") {
            stdin = Array(text.utf8)
            if args.bool("stdin_add_newline", default: true) { stdin.append(10) }
        }
        let start = Date()
        let cwd = args.string("chdir") ?? ""
        let timeout = context.task.keywords["timeout"].flatMap { Int($0.text) } ?? 0
        let response = switch program {
        case .script(let script):
            try await context.agent.exec(script, stdin: stdin, cwd: cwd, environment: context.environment, timeout: timeout)
        case .argv(let words):
            try await context.agent.exec(argv: words, stdin: stdin, cwd: cwd, environment: context.environment, timeout: timeout)
        }
        let end = Date()
        if response.rc == 127 && response.meta["not_found"] == "1" {
            result.failed = true
            result.msg = "Error executing command."
            result.values["rc"] = .int(2)
            return result
        }
        result.undo.append(try undoEntry(commandLine, context))
        let stdout = stripEnds(response.stdoutText)
        let stderr = stripEnds(response.stderrText)
        result.changed = true
        result.values["start"] = .string(Self.timestamp(start))
        result.values["end"] = .string(Self.timestamp(end))
        result.values["delta"] = .string(Self.delta(end.timeIntervalSince(start)))
        result.values["rc"] = .int(Int(response.rc))
        result.values["stdout"] = .string(stdout)
        result.values["stderr"] = .string(stderr)
        result.values["stdout_lines"] = .list(lines(stdout))
        result.values["stderr_lines"] = .list(lines(stderr))
        if response.meta["timed_out"] == "1" {
            result.failed = true
            result.msg = "The command exceeded the task's timeout"
        } else if response.rc != 0 {
            result.failed = true
            result.msg = response.rc == 127 ? "[Errno 2] No such file or directory" : "non-zero return code"
        } else {
            result.msg = ""
        }
        return result
    }

    /// `undo:` (a command line, or `{command|shell: …}`) makes the task
    /// reversible; without it the journal records that it is not.
    static func undoEntry(_ commandLine: Value, _ context: ModuleContext) throws -> UndoEntry {
        let task = context.task
        guard var undo = task.keywords["undo"] else {
            let shown = if case .list(let words) = commandLine { words.map(\.text).joined(separator: " ") } else { commandLine.text }
            return .irreversible(description: "\(task.module): \(shown)")
        }
        var origin = task.keywordOrigins["undo"]
        if case .dict(let d) = undo, let key = ["shell", "command", "cmd"].first(where: { d[$0] != nil }) {
            undo = d[key]!
            origin = origin?[key]
        }
        let rendered = try Template.renderValue(undo, origin: origin, at: task.location, context: context.variables)
        return .undoCommand(rendered.text)
    }

    static func exists(_ path: String, _ context: ModuleContext) async throws -> Bool {
        if path.contains("*") || path.contains("?") {
            let r = try await context.agent.exec("for f in \(path); do [ -e \"$f\" ] && exit 0; done; exit 1")
            return r.rc == 0
        }
        return try await context.agent.stat(path).exists
    }

    /// Ansible strips trailing newlines (strip_empty_ends).
    static func stripEnds(_ text: String) -> String {
        var s = Substring(text)
        while s.last == "\n" || s.last == "\r" { s.removeLast() }
        return String(s)
    }

    static func lines(_ text: String) -> [Value] {
        text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }
    }

    /// Local time as Python's `str(datetime.now())`, built by hand: a
    /// DateFormatter per call cost more than the rest of a warm task.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        var whole = time_t(seconds.rounded(.down))
        let micro = min(999_999, Int(((seconds - Double(whole)) * 1_000_000).rounded()))
        var parts = tm()
        localtime_r(&whole, &parts)
        return "\(Int(parts.tm_year) + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(Int32(micro), 6))"
    }

    private static func pad(_ value: Int32, _ width: Int = 2) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func delta(_ seconds: TimeInterval) -> String {
        let micro = Int((seconds * 1_000_000).rounded())
        let s = micro / 1_000_000
        return String(format: "%d:%02d:%02d.%06d", s / 3600, (s / 60) % 60, s % 60, micro % 1_000_000)
    }
}

/// script: a controller-side script, sent on stdin and run on the host.
struct ScriptModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let text = context.arguments.string("cmd") ?? context.arguments.string("_raw_params") ?? ""
        let words: [String]
        do { words = try ShellWords.split(text).map(\.text) } catch { return .failure("cannot split `\(text)`: an unterminated quote?") }
        guard let name = words.first else { return .failure("no script given") }
        guard let path = context.findLocalFile(name, subdirectory: "files"),
              let data = FileManager.default.contents(atPath: path) else {
            return .failure("Could not find or access '\(name)' on the controller")
        }
        let arguments = words.dropFirst().map(shellQuote).joined(separator: " ")
        let runner = context.arguments.string("executable").map { shellQuote($0) + " " } ?? ""
        let script = "f=$(mktemp) || exit 1; cat > \"$f\"; chmod 700 \"$f\"; \(runner)\"$f\" \(arguments) < /dev/null; rc=$?; rm -f \"$f\"; exit $rc"
        return try await CommandRunner.run(.script(script), commandLine: .string(text), context: context, stdinBytes: Array(data))
    }
}
