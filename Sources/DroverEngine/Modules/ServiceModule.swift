import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// service: ansible.builtin.service on Linux. Picks the service manager as
/// Ansible's service action does (`use`, else the `service_mgr` fact); on
/// systemd hosts it runs the systemd module's logic, else Ansible's
/// LinuxService: OpenRC (`rc-service`/`rc-update`) or SysV init scripts
/// (`service`/`/etc/init.d`, enabled with update-rc.d, chkconfig or insserv).
struct ServiceModule: Module {
    static let systemdUnused = ["pattern", "runlevel", "sleep", "arguments", "args"]

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        if args.string("state") == nil && args.tristateBool("enabled") == nil {
            return .failure("one of the following is required: state, enabled")
        }
        var use = args.string("use")?.lowercased() ?? "auto"
        if use == "auto", context.task.keywords["delegate_to"] == nil, let fact = context.hostVariable("ansible_facts.service_mgr") {
            use = fact.text.lowercased()
        }
        if use == "systemd" { return try await Self.asSystemd(context) }
        var service = LinuxService(context)
        do {
            return try await service.run()
        } catch let exit as ServiceExit {
            return exit.result
        }
    }

    /// The systemd module with this task's arguments (the unused ones dropped, with a warning).
    static func asSystemd(_ context: ModuleContext) async throws -> ModuleResult {
        var values = context.arguments.values
        var warnings: [Value] = []
        for name in systemdUnused where values[name] != nil {
            values[name] = nil
            warnings.append(.string("Ignoring \"\(name)\" as it is not used in \"systemd\""))
        }
        values["use"] = nil
        var result = try await SystemdModule().run(context.replacingArguments(ModuleArguments(values, module: "systemd")))
        if !warnings.isEmpty { result.values["warnings"] = .list(warnings) }
        return result
    }
}

extension ModuleArguments {
    /// A bool argument that may be absent (nil), as Ansible's `type='bool'` without default.
    func tristateBool(_ name: String) -> Bool? {
        guard let v = self[name], v != .null else { return nil }
        return bool(name)
    }
}

struct ServiceExit: Error {
    var result: ModuleResult
}

/// Ansible's LinuxService for OpenRC and SysV init scripts.
struct LinuxService {
    let context: ModuleContext
    let name: String
    let state: String?
    let enable: Bool?
    let pattern: String?
    let sleep: Int?
    let runlevel: String
    let arguments: String

    var svcCommand: String?
    var initScript: String?
    var enableCommand: String?
    var running: Bool?
    var crashed: Bool?
    var action: String?
    var manager = "sysv"
    var startLinks: [String] = []
    var killLinks: [String] = []

    init(_ context: ModuleContext) {
        self.context = context
        let args = context.arguments
        name = args.string("name") ?? ""
        state = args.string("state")
        enable = args.tristateBool("enabled")
        pattern = args.string("pattern")
        sleep = args.int("sleep")
        runlevel = args.string("runlevel") ?? "default"
        arguments = args.string("arguments") ?? ""
    }

    func fail(_ msg: String) -> ServiceExit { ServiceExit(result: .failure(msg)) }

    mutating func run() async throws -> ModuleResult {
        if try await findTools() {
            return try await ServiceModule.asSystemd(context)
        }
        var result = ModuleResult(values: ["name": .string(name)])
        var undo: OrderedDictionary<String, Value> = ["kind": .string("service"), "name": .string(name), "manager": .string(manager)]
        var enableChanged = false
        if let enable {
            let (changed, previous) = try await serviceEnable(enable)
            enableChanged = changed
            result.values["enabled"] = .bool(enable)
            if changed { undo["previous_enabled"] = previous.map(Value.bool) ?? .bool(!enable) }
        }
        guard let state else {
            result.changed = enableChanged
            if enableChanged && !context.checkMode { result.values["undo_hint"] = .dict(undo) }
            return result
        }
        result.values["state"] = .string(state)
        if let pattern { try await checkProcesses(pattern) } else { try await serviceStatus() }
        // check_service_changed
        if running == nil { throw fail("failed determining service state, possible typo of service name?") }
        let isRunning = running ?? false
        var change = false
        if !isRunning && (state == "reloaded" || state == "started") { change = true }
        else if isRunning && (state == "reloaded" || state == "stopped") { change = true }
        else if state == "restarted" { change = true }
        if context.checkMode && change {
            return ModuleResult(changed: true, msg: "service state changed", values: ["name": .string(name), "state": .string(state)])
        }
        if change {
            if state == "started" || (!isRunning && state == "reloaded") { action = "start" }
            else if state == "stopped" { action = "stop" }
            else if state == "reloaded" { action = "reload" }
            else if state == "restarted" { action = "restart" }
            let r = try await control()
            if r.rc != 0 && !r.stderr.contains("Job is already running") {
                throw fail(r.stderr.isEmpty ? r.stdout : r.stderr)
            }
            undo["previous_state"] = .string(isRunning ? "started" : "stopped")
        }
        result.changed = enableChanged || change
        if let enable { result.values["enabled"] = .bool(enable) }
        result.values["state"] = .string(["reloaded", "restarted", "started"].contains(state) ? "started" : "stopped")
        if result.changed && !context.checkMode { result.values["undo_hint"] = .dict(undo) }
        return result
    }

    // MARK: tools

    /// get_service_tools; true when the host runs systemd.
    mutating func findTools() async throws -> Bool {
        let q = shellQuote(name)
        let r = try await context.runTool("""
            P=$PATH:/sbin:/usr/sbin:/bin:/usr/bin
            for b in service chkconfig update-rc.d rc-service rc-update initctl systemctl insserv; do
              p=$(PATH=$P command -v "$b" 2>/dev/null) && echo "bin $b $p"
            done
            [ -f /etc/init.d/\(q) ] && echo initscript
            for c in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/; do [ -e "$c" ] && echo canary; done
            [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ] && echo canary
            [ -e /etc/init/\(q).conf ] && echo upstart
            for f in /etc/rc?.d/S??\(q); do [ -e "$f" ] && echo "slink $f"; done
            for f in /etc/rc?.d/K??\(q); do [ -e "$f" ] && echo "klink $f"; done
            true
            """)
        var bins: [String: String] = [:]
        var canary = false, upstart = false
        for line in SystemText.lines(r.stdout) {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            switch words.first {
            case "bin" where words.count == 3: bins[words[1]] = words[2]
            case "initscript": initScript = "/etc/init.d/\(name)"
            case "canary": canary = true
            case "upstart": upstart = true
            case "slink" where words.count >= 2: startLinks.append(words.dropFirst().joined(separator: " "))
            case "klink" where words.count >= 2: killLinks.append(words.dropFirst().joined(separator: " "))
            default: break
            }
        }
        if bins["systemctl"] != nil && canary { return true }
        if bins["initctl"] != nil && upstart {
            throw fail("\(name) is an upstart job: Drover's service module does not manage upstart")
        }
        if let rcService = bins["rc-service"] {
            manager = "openrc"
            svcCommand = rcService
            enableCommand = bins["rc-update"]
            return false
        }
        if initScript != nil {
            enableCommand = bins["update-rc.d"] ?? bins["insserv"] ?? bins["chkconfig"]
        }
        if enableCommand == nil { throw fail("Could not find the requested service \(name): host") }
        if svcCommand == nil { svcCommand = bins["service"] }
        if svcCommand == nil && initScript == nil {
            throw fail("cannot find 'service' binary or init script for service,  possible typo in service name?, aborting")
        }
        return false
    }

    /// Runs a command detached from the agent (its own session, output in
    /// temporary files), as Ansible daemonizes service commands: a daemon
    /// started by an init script must not hold the agent's output open.
    func daemonized(_ command: String) async throws -> SystemOutput {
        try await context.runTool("""
            o=$(mktemp) && e=$(mktemp) || exit 1
            if command -v setsid >/dev/null 2>&1; then setsid \(command) </dev/null >"$o" 2>"$e"; else \(command) </dev/null >"$o" 2>"$e"; fi
            rc=$?; cat "$o"; cat "$e" >&2; rm -f "$o" "$e"; exit $rc
            """)
    }

    func plain(_ command: String) async throws -> SystemOutput {
        try await context.runTool(command)
    }

    /// service_control: `service NAME ACTION`, `rc-service NAME ACTION` or
    /// the init script; restart as stop then start (not every script has it).
    func control() async throws -> SystemOutput {
        let base: String
        if let svcCommand { base = "\(shellQuote(svcCommand)) \(shellQuote(name))" } else { base = shellQuote(initScript ?? "/etc/init.d/\(name)") }
        let extra = arguments.isEmpty ? "" : " " + arguments
        if action == "start", manager == "openrc", crashed == true {
            _ = try await daemonized("\(base) zap")
        }
        let action = self.action ?? "status"
        if action != "restart" || manager == "openrc" {
            return try await daemonized("\(base) \(action)\(extra)")
        }
        let stop = try await daemonized("\(base) stop\(extra)")
        if let sleep, sleep > 0 { try await Swift.Task.sleep(for: .seconds(sleep)) }
        let start = try await daemonized("\(base) start\(extra)")
        if stop.rc != 0 && start.rc == 0 { return start }
        return SystemOutput(rc: stop.rc + start.rc, stdout: stop.stdout + start.stdout, stderr: stop.stderr + start.stderr)
    }

    /// get_service_status for init scripts and OpenRC, with Ansible's rules.
    mutating func serviceStatus() async throws {
        let saved = action
        action = "status"
        let r = try await control()
        action = saved
        if manager == "openrc" && running == nil {
            let s = try await daemonized("\(shellQuote(svcCommand ?? "rc-service")) \(shellQuote(name)) status")
            running = s.stdout.contains("started")
            crashed = s.stderr.contains("crashed")
        }
        if running == nil && [1, 2, 3, 4, 69].contains(r.rc) { running = false }
        if running == nil && r.stdout.filter({ $0 == "\n" }).count <= 1 {
            let clean = r.stdout.lowercased().replacingOccurrences(of: name.lowercased(), with: "")
            if clean.contains("stop") { running = false }
            else if clean.contains("run") { running = !clean.contains("not ") }
            else if clean.contains("start") && !clean.contains("not ") { running = true }
            else if ["could not access pid file", "is dead and pid file exists", "dead but subsys locked", "dead but pid file exists"]
                .contains(where: clean.contains) { running = false }
        }
        if running == nil && r.rc == 0 { running = true }
        if running == nil && name == "iptables" && r.stdout.contains("ACCEPT") { running = true }
    }

    /// pattern=: running when a `ps auxww` line contains the pattern.
    mutating func checkProcesses(_ pattern: String) async throws {
        let r = try await plain("ps auxww")
        if r.rc == 0 {
            running = SystemText.lines(r.stdout).contains { $0.contains(pattern) && !$0.contains("pattern=") }
        }
    }

    // MARK: enable

    /// service_enable: whether it changed, and whether it was enabled before (when known).
    mutating func serviceEnable(_ enable: Bool) async throws -> (Bool, Bool?) {
        guard let enableCommand else {
            throw fail("cannot detect command to enable service \(name), typo or init system potentially unknown")
        }
        let tool = (enableCommand as NSString).lastPathComponent
        let cmd = shellQuote(enableCommand), n = shellQuote(name)
        switch tool {
        case "update-rc.d":
            let enabled = !startLinks.isEmpty
            guard enable != enabled else { return (false, enabled) }
            if context.checkMode { return (true, enabled) }
            if enable && killLinks.isEmpty {
                let r = try await plain("\(cmd) \(n) defaults")
                if r.rc != 0 { throw fail(r.stderr.isEmpty ? r.stdout : r.stderr) }
            }
            let r = try await plain("\(cmd) \(n) \(enable ? "enable" : "disable")")
            if r.rc != 0 { throw fail(r.stderr.isEmpty ? r.stdout : r.stderr) }
            return (true, enabled)
        case "chkconfig":
            let action = enable ? "on" : "off"
            var r = try await plain("\(cmd) --list \(n)")
            if r.stderr.contains("chkconfig --add \(name)") {
                _ = try await plain("\(cmd) --add \(n)")
                r = try await plain("\(cmd) --list \(n)")
            }
            if !r.stdout.contains(name) { throw fail("service \(name) does not support chkconfig") }
            if r.stdout.contains("3:\(action)") && r.stdout.contains("5:\(action)") { return (false, enable) }
            if context.checkMode { throw ServiceExit(result: ModuleResult(changed: true)) }
            let set = try await plain("\(cmd) \(n) \(action)")
            if set.rc != 0 { throw enableFailure(set, action) }
            return (true, !enable)
        case "rc-update":
            let r = try await plain("\(cmd) show")
            var changed = true
            var found = false
            for line in SystemText.lines(r.stdout) {
                let parts = line.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, parts[0] == name else { continue }
                found = true
                let levels = parts[1].split(whereSeparator: \.isWhitespace).map(String.init)
                if enable && levels.contains(runlevel) { changed = false }
                else if !enable && !levels.contains(runlevel) { changed = false }
                break
            }
            if !found && !enable { changed = false }
            if !changed { return (false, enable) }
            if context.checkMode { throw ServiceExit(result: ModuleResult(changed: true)) }
            let action = enable ? "add" : "delete"
            let set = try await plain("\(cmd) \(action) \(n) \(shellQuote(runlevel))")
            if set.rc != 0 { throw enableFailure(set, action) }
            return (true, !enable)
        case "insserv":
            let probe = try await plain(enable ? "\(cmd) -n -v \(n)" : "\(cmd) -n -r -v \(n)")
            let changed = SystemText.lines(probe.stderr).contains { enable ? $0.contains("enable service") : $0.contains("remove service") }
            if context.checkMode { throw ServiceExit(result: ModuleResult(changed: changed)) }
            guard changed else { return (false, enable) }
            let set = try await plain(enable ? "\(cmd) \(n)" : "\(cmd) -r \(n)")
            if set.rc != 0 || !set.stderr.isEmpty {
                throw fail("Failed to \(enable ? "install" : "remove") service. rc: \(set.rc), out: \(set.stdout), err: \(set.stderr)")
            }
            return (true, !enable)
        default:
            throw fail("cannot detect command to enable service \(name), typo or init system potentially unknown")
        }
    }

    func enableFailure(_ r: SystemOutput, _ action: String) -> ServiceExit {
        r.stderr.isEmpty
            ? fail("Failure for \(action) \(name): rc=\(r.rc) \(r.stdout)")
            : fail("Error when trying to \(action) \(name): rc=\(r.rc) \(r.stderr)")
    }
}
