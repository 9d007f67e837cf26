import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

#if canImport(Glibc)
import Glibc
#endif

/// package: hands the task to the module of the host's package manager, as
/// Ansible's package action does: `use`, else `ansible_package_use`, else
/// the `pkg_mgr` fact, else facts gathered now. Drover implements apt only.
struct PackageModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        var manager = context.arguments.string("use") ?? "auto"
        if manager == "auto" {
            if let use = context.hostVariable("ansible_package_use"), !use.text.isEmpty {
                manager = use.text
            } else if context.task.keywords["delegate_to"] == nil,
                      let fact = context.hostVariable("ansible_facts.pkg_mgr"), !fact.text.isEmpty {
                manager = fact.text
            } else {
                let facts = HostFacts.parse(try await context.agent.facts())
                guard let detected = facts["ansible_pkg_mgr"]?.text, !detected.isEmpty, detected != "unknown" else {
                    return .failure("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.")
                }
                manager = detected
            }
        }
        let name = ModuleSpec.canonicalName(manager)
        guard name == "apt" else {
            return .failure("Drover's package module supports apt only; this host's package manager is \(manager). Use a command task, or `use: apt` on Debian-family hosts.")
        }
        var values = context.arguments.values
        values["use"] = nil
        return try await AptModule().run(context.replacingArguments(ModuleArguments(values, module: "apt")))
    }
}

// MARK: - Shared by the system modules (package, apt, service, user, group, cron, reboot)

extension ModuleContext {
    /// The same context with other arguments (package → apt, service → systemd).
    func replacingArguments(_ arguments: ModuleArguments) -> ModuleContext {
        ModuleContext(host: host, agent: agent, arguments: arguments, task: task, checkMode: checkMode,
                      diffMode: diffMode, variables: variables, environment: environment, searchPaths: searchPaths)
    }

    /// A bare expression over the host's variables (nil when undefined or invalid).
    func hostVariable(_ expression: String) -> Value? {
        guard let v = try? Template.evaluate(expression: expression, name: "<\(task.module)>", context: variables),
              v != .null else { return nil }
        return v
    }

    /// Runs a host tool: the task's `environment:`, then the C locale (tools'
    /// messages are parsed), then `extra`; later names win.
    func runTool(_ script: String, stdin: String? = nil, extra: [(String, String)] = [],
                timeout: Int? = nil) async throws -> SystemOutput {
        let env = environment + [("LANG", "C"), ("LC_ALL", "C"), ("LC_MESSAGES", "C")] + extra
        let limit = timeout ?? task.keywords["timeout"].flatMap { Int($0.text) } ?? 0
        let r = try await agent.exec(script, stdin: stdin.map { Array($0.utf8) } ?? [], environment: env, timeout: limit)
        if r.meta["timed_out"] == "1" {
            throw PrimitiveError(host: host, message: "\(task.module): a command exceeded the task's timeout")
        }
        return SystemOutput(rc: Int(r.rc), stdout: r.stdoutText, stderr: r.stderrText)
    }
}

/// A host command's exit status and output.
struct SystemOutput: Sendable {
    var rc: Int
    var stdout: String
    var stderr: String

    var ok: Bool { rc == 0 }
}

enum SystemText {
    /// A command line as Ansible prints it in messages, quoted for sh.
    static func command(_ argv: [String]) -> String { argv.map(shellQuote).joined(separator: " ") }

    /// Python's str.splitlines().
    static func lines(_ text: String) -> [String] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines
    }

    /// stdout/stderr with the `_lines` lists Ansible's executor adds.
    static func output(_ out: String, _ err: String, into values: inout OrderedDictionary<String, Value>) {
        values["stdout"] = .string(out)
        values["stderr"] = .string(err)
        values["stdout_lines"] = .list(lines(out).map(Value.string))
        values["stderr_lines"] = .list(lines(err).map(Value.string))
    }

    /// Python's fnmatch.fnmatch on POSIX (case-sensitive, no backslash escapes).
    static func globMatch(_ name: String, _ pattern: String) -> Bool {
        fnmatch(pattern, name, FNM_NOESCAPE) == 0
    }

    static func isGlob(_ text: String) -> Bool { text.contains { "*?[]!".contains($0) } }
}
