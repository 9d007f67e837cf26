import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// reboot: ansible.builtin.reboot's action, run from the controller: read
/// the boot id, run the shutdown command, then reconnect until the boot id
/// changed and the test command succeeds.
struct RebootModule: Module {
    static let defaultRebootTimeout = 600
    static let defaultTestCommand = "whoami"
    static let defaultBootTimeCommand = "cat /proc/sys/kernel/random/boot_id"
    static let defaultMessage = "Reboot initiated by Ansible"
    static let defaultShutdownArgs = "-r {delay_min} \"{message}\""
    static let defaultSearchPaths = ["/sbin", "/bin", "/usr/sbin", "/usr/bin", "/usr/local/sbin"]
    static let bootTimeCommands = [
        "freebsd": "/sbin/sysctl kern.boottime", "openbsd": "/sbin/sysctl kern.boottime", "macosx": "who -b",
        "solaris": "who -b", "sunos": "who -b", "vmkernel": "grep booted /var/log/vmksummary.log | tail -n 1", "aix": "who -b",
    ]
    static let shutdownCommands = ["alpine": "reboot", "vmkernel": "reboot"]
    static let shutdownArgs = [
        "alpine": "", "void": "-r +{delay_min} \"{message}\"", "freebsd": "-r +{delay_sec}s \"{message}\"",
        "linux": defaultShutdownArgs, "macosx": "-r +{delay_min} \"{message}\"", "openbsd": "-r +{delay_min} \"{message}\"",
        "solaris": "-y -g {delay_sec} -i 6 \"{message}\"", "sunos": "-y -g {delay_sec} -i 6 \"{message}\"",
        "vmkernel": "-d {delay_sec}", "aix": "-Fr",
    ]
    static let testCommands = ["solaris": "who", "vmkernel": "who"]

    struct Distribution { var name: String; var version: String; var family: String }

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        if context.agent.transport is LocalAgentTransport {
            return ModuleResult(failed: true, msg: "Running reboot with local connection would reboot the control node.",
                                values: ["elapsed": .int(0), "rebooted": .bool(false)])
        }
        if context.checkMode { return ModuleResult(changed: true, values: ["elapsed": .int(0), "rebooted": .bool(true)]) }
        guard let reconnect = context.reconnect else {
            return ModuleResult(failed: true, msg: "reboot needs the engine to reconnect to \(context.host) after the restart, and this run offers no reconnection; nothing was done",
                                values: ["elapsed": .int(0), "rebooted": .bool(false)])
        }
        let args = context.arguments
        let preDelay = max(0, args.int("pre_reboot_delay") ?? 0)
        let postDelay = max(0, args.int("post_reboot_delay") ?? 0)
        let timeout = args.int("reboot_timeout") ?? Self.defaultRebootTimeout
        let commandTimeout = max(5, args.int("connect_timeout") ?? 30)
        let distribution = try await distribution(context)
        func pick(_ table: [String: String], _ fallback: String) -> String {
            table[distribution.name + distribution.version] ?? table[distribution.name] ?? table[distribution.family] ?? fallback
        }
        let bootTimeCommand = args.string("boot_time_command").flatMap { $0.isEmpty ? nil : $0 }
            ?? pick(Self.bootTimeCommands, Self.defaultBootTimeCommand)
        let testCommand = args.string("test_command") ?? pick(Self.testCommands, Self.defaultTestCommand)

        // The boot id before.
        let before = try await context.agent.exec(bootTimeCommand, timeout: commandTimeout)
        if before.rc != 0 {
            return .failure("reboot: failed to get host boot time info, rc: \(before.rc), stdout: \(before.stdoutText), stderr: \(before.stderrText)",
                            ["reboot": .bool(false)])
        }
        let previousBootTime = before.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)

        // The shutdown command: its binary found in search_paths unless absolute.
        let rebootCommand = args.string("reboot_command")
        let shutdownBinary = rebootCommand.map { String($0.split(separator: " ", maxSplits: 1).first ?? "") }
            ?? pick(Self.shutdownCommands, "shutdown")
        var shutdownArguments: String
        if let rebootCommand {
            let parts = rebootCommand.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            shutdownArguments = parts.count > 1 ? String(parts[1]) : ""
        } else {
            shutdownArguments = pick(Self.shutdownArgs, Self.defaultShutdownArgs)
                .replacingOccurrences(of: "{delay_min}", with: String(preDelay / 60))
                .replacingOccurrences(of: "{delay_sec}", with: String(preDelay))
                .replacingOccurrences(of: "{message}", with: args.string("msg") ?? Self.defaultMessage)
        }
        var shutdownPath = shutdownBinary
        if !shutdownBinary.hasPrefix("/") {
            let paths = args.list("search_paths") ?? Self.defaultSearchPaths
            let find = try await context.agent.exec(
                "for d in \(paths.map(shellQuote).joined(separator: " ")); do [ -e \"$d\"/\(shellQuote(shutdownBinary)) ] && { printf '%s' \"$d\"/\(shellQuote(shutdownBinary)); exit 0; }; done; exit 1",
                timeout: commandTimeout)
            guard find.rc == 0, !find.stdoutText.isEmpty else {
                return .failure("Unable to find command \"\(shutdownBinary)\" in search paths: [\(paths.map { "'\($0)'" }.joined(separator: ", "))]")
            }
            shutdownPath = find.stdoutText
        }

        let clock = ContinuousClock()
        var start = clock.now
        var result = ModuleResult()
        do {
            let r = try await context.agent.exec("\(shutdownPath) \(shutdownArguments)", timeout: 120)
            start = clock.now
            if r.rc != 0 {
                result.failed = true
                result.values["rebooted"] = .bool(false)
                result.msg = "Reboot command failed. Error was: '\(r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)), \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))'"
                result.values["elapsed"] = .int(0)
                return result
            }
        } catch is AgentError {
            // The connection closed as the host went down: expected.
            start = clock.now
        }
        if postDelay > 0 { try await Swift.Task.sleep(for: .seconds(postDelay)) }

        var agent: AgentClient? = context.agent
        /// One attempt on the current agent (a new one when the last failed).
        func attempt(_ body: (AgentClient) async throws -> Void) async throws {
            do {
                if agent == nil { agent = try await reconnect() }
                try await body(agent!)
            } catch let error as AgentError {
                agent = nil
                throw error
            }
        }
        do {
            try await Self.untilSuccess(timeout: timeout, what: "last boot time check") {
                try await attempt { agent in
                    let r = try await agent.exec(bootTimeCommand, timeout: commandTimeout)
                    if r.rc != 0 {
                        throw RebootError("failed to get host boot time info, rc: \(r.rc), stdout: \(r.stdoutText), stderr: \(r.stderrText)")
                    }
                    let now = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
                    if now.isEmpty || now == previousBootTime { throw RebootError("boot time has not changed") }
                }
            }
            try await Self.untilSuccess(timeout: timeout, what: "post-reboot test command") {
                try await attempt { agent in
                    let r = try await agent.exec(testCommand, timeout: commandTimeout)
                    if r.rc != 0 { throw RebootError("Test command failed: \(r.stderrText) \(r.stdoutText)") }
                }
            }
            result.changed = true
            result.values["rebooted"] = .bool(true)
        } catch let error as RebootError {
            result.failed = true
            result.values["rebooted"] = .bool(true)
            result.msg = error.message
        }
        result.values["elapsed"] = .int(Int((clock.now - start).components.seconds))
        result.undo.append(.irreversible(description: "reboot"))
        return result
    }

    struct RebootError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// do_until_success_or_timeout: retries with exponential backoff (at most ~12 s).
    static func untilSuccess(timeout: Int, what: String, _ action: () async throws -> Void) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(timeout)
        var failures = 0
        while clock.now < deadline {
            do {
                try await action()
                return
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                let jitter = Double.random(in: 0..<1)
                var pause = pow(2, Double(failures)) + jitter
                if pause > 12 { pause = 12 + jitter }
                failures += 1
                try await Swift.Task.sleep(for: .milliseconds(Int(pause * 1000)))
            }
        }
        throw RebootError("Timed out waiting for \(what) (timeout=\(timeout))")
    }

    func distribution(_ context: ModuleContext) async throws -> Distribution {
        var facts: OrderedDictionary<String, Value> = [:]
        if let name = context.hostVariable("ansible_facts.distribution"), let family = context.hostVariable("ansible_facts.os_family") {
            facts["ansible_distribution"] = name
            facts["ansible_os_family"] = family
            facts["ansible_distribution_version"] = context.hostVariable("ansible_facts.distribution_version") ?? .string("")
        } else {
            facts = HostFacts.parse(try await context.agent.facts())
        }
        let version = facts["ansible_distribution_version"]?.text ?? ""
        return Distribution(name: (facts["ansible_distribution"]?.text ?? "").lowercased(),
                            version: String(version.split(separator: ".").first ?? ""),
                            family: (facts["ansible_os_family"]?.text ?? "").lowercased())
    }
}
