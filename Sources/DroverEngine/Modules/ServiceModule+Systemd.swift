import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// systemd / systemd_service: ansible.builtin.systemd_service's logic over
/// `systemctl`. `status` holds a few of `systemctl show`'s properties.
struct SystemdModule: Module {
    /// The properties `status` returns (Ansible returns all of them).
    static let properties = [
        "Id", "Names", "Description", "LoadState", "LoadError", "ActiveState", "SubState", "UnitFileState",
        "UnitFilePreset", "FragmentPath", "Type", "MainPID", "ExecMainStatus", "Result", "CanStart", "CanStop",
        "CanReload", "NeedDaemonReload", "ActiveEnterTimestamp", "InactiveEnterTimestamp",
    ]
    static let enabledStates = ["enabled", "enabled-runtime", "linked", "linked-runtime", "masked", "masked-runtime",
                                "static", "indirect", "disabled", "generated", "transient"]

    func run(_ context: ModuleContext) async throws -> ModuleResult {
        let args = context.arguments
        let unit = args.string("name")
        let state = args.string("state")
        let enabledWanted = args.tristateBool("enabled")
        let maskedWanted = args.tristateBool("masked")
        if state == nil && enabledWanted == nil && maskedWanted == nil && !args.bool("daemon_reload") && !args.bool("daemon_reexec") {
            return .failure("one of the following is required: state, enabled, masked, daemon_reload, daemon_reexec")
        }
        if unit == nil {
            for (key, given) in [("state", state != nil), ("enabled", enabledWanted != nil), ("masked", maskedWanted != nil)] where given {
                return .failure("missing parameter(s) required by '\(key)': name")
            }
        }
        if let unit, let g = ["*", "?", "["].first(where: unit.contains) {
            return .failure("This module does not currently support using glob patterns, found '\(g)' in service name: \(unit)")
        }
        var systemctl = "systemctl"
        let scope = args.string("scope") ?? "system"
        if scope != "system" { systemctl += " --\(scope)" }
        if args.bool("no_block") { systemctl += " --no-block" }
        if args.bool("force") { systemctl += " --force" }
        // XDG_RUNTIME_DIR for --user, as Ansible sets it when missing.
        let prefix = "command -v systemctl >/dev/null 2>&1 || { echo 'Failed to find required executable \"systemctl\"' >&2; exit 127; }\n"
            + "[ -n \"${XDG_RUNTIME_DIR:-}\" ] || { XDG_RUNTIME_DIR=/run/user/$(id -u); export XDG_RUNTIME_DIR; }\n"
        func sh(_ command: String) async throws -> SystemOutput {
            let r = try await context.runTool(prefix + command)
            if r.rc == 127 && r.stderr.contains("\"systemctl\"") {
                throw ServiceExit(result: .failure("Failed to find required executable \"systemctl\" in paths"))
            }
            return r
        }
        do {
            var result = ModuleResult(values: ["name": unit.map(Value.string) ?? .null, "status": .dict([:])])
            var undo: OrderedDictionary<String, Value> = ["kind": .string("service"), "manager": .string("systemd")]
            if let unit { undo["name"] = .string(unit) }
            for (flag, verb) in [("daemon_reload", "daemon-reload"), ("daemon_reexec", "daemon-reexec")] where args.bool(flag) && !context.checkMode {
                let r = try await sh("\(systemctl) \(verb)")
                if r.rc != 0 {
                    if context.environment.contains(where: { $0 == ("SYSTEMD_OFFLINE", "1") }) {
                        result.values["warnings"] = .list([.string("\(verb) failed, but systemd is offline. Continuing. Error was: \(r.rc) / \(r.stderr)")])
                    } else {
                        return .failure("failure \(r.rc) during \(verb): \(r.stderr)")
                    }
                }
            }
            guard let unit else { return result }
            let q = shellQuote(unit)
            let isInitd = try await sh("[ -e /etc/init.d/\(q) ]").rc == 0
            var isSystemd = false
            var status: OrderedDictionary<String, Value> = [:]
            let props = Self.properties.map { "-p \($0)" }.joined(separator: " ")
            let show = try await sh("\(systemctl) show \(props) \(q)")
            if show.rc == 0 && !Self.requestIgnored(show.stdout) && !Self.requestIgnored(show.stderr) {
                if !show.stdout.isEmpty {
                    status = Self.parseShow(show.stdout)
                    let load = status["LoadState"]?.text
                    isSystemd = load != nil && load != "not-found"
                    let masked = load == "masked"
                    if isSystemd && !masked, let error = status["LoadError"]?.text, !error.isEmpty, error != "n/a" {
                        return .failure("Error loading unit file '\(unit)': \(error)")
                    }
                }
            } else if show.rc == 1 && show.stderr.contains("Failed to parse bus message") {
                status = Self.parseShow(show.stdout)
                let base = unit.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
                let search = unit.contains("@") ? "\(base[0])@" : String(base[0])
                isSystemd = try await sh("\(systemctl) list-unit-files \(shellQuote(search + "*"))").stdout.contains(search)
                status["ActiveState"] = .string(CommandRunner.stripEnds(try await sh("\(systemctl) is-active \(q)").stdout))
            } else {
                let enabled = try await sh("\(systemctl) is-enabled \(q)")
                if Self.enabledStates.contains(enabled.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    isSystemd = true
                } else if try await sh("\(systemctl) list-unit-files \(q)").rc == 0 {
                    isSystemd = true
                } else {
                    let bare = try await sh(systemctl)
                    if bare.rc != 0 {
                        return .failure((bare.stderr.isEmpty ? bare.stdout : bare.stderr).trimmingCharacters(in: .whitespacesAndNewlines),
                                        ["rc": .int(bare.rc), "stdout": .string(bare.stdout), "stderr": .string(bare.stderr)])
                    }
                }
            }
            result.values["status"] = .dict(status)
            let found = isSystemd || isInitd
            var warnings: [Value] = []
            if case .list(let earlier)? = result.values["warnings"] { warnings = earlier }
            if isInitd && !isSystemd {
                warnings.append(.string("The service (\(unit)) is actually an init script but the system is managed by systemd"))
            }
            let missing = "Could not find the requested service \(unit): host"

            if let maskedWanted {
                let current = try await sh("\(systemctl) is-enabled \(q)").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "masked"
                if current != maskedWanted {
                    result.changed = true
                    undo["previous_masked"] = .bool(current)
                    if !context.checkMode {
                        let action = maskedWanted ? "mask" : "unmask"
                        let r = try await sh("\(systemctl) \(action) \(q)")
                        if r.rc != 0 {
                            if !found { return .failure(missing) }
                            return .failure("Failed to \(action) the service (\(unit)): \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
                        }
                    }
                }
            }

            if let enabledWanted {
                if !found { return .failure(missing) }
                var enabled = false
                let r = try await sh("\(systemctl) is-enabled \(q) -l")
                let out = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                if r.rc == 0 {
                    enabled = !["enabled-runtime", "indirect", "alias"].contains(out)
                } else if r.rc == 1, scope == "system", isInitd, !out.hasSuffix("disabled") {
                    enabled = try await sh("for f in /etc/rc?.d/S??\(q); do [ -e \"$f\" ] && exit 0; done; exit 1").rc == 0
                }
                result.values["enabled"] = .bool(enabled)
                if enabled != enabledWanted {
                    result.changed = true
                    undo["previous_enabled"] = .bool(enabled)
                    if !context.checkMode {
                        let action = enabledWanted ? "enable" : "disable"
                        let set = try await sh("\(systemctl) \(action) \(q)")
                        if set.rc != 0 { return .failure("Unable to \(action) service \(unit): \(set.stdout + set.stderr)") }
                    }
                    result.values["enabled"] = .bool(!enabled)
                }
            }

            if let state {
                if !found { return .failure(missing) }
                result.values["state"] = .string(state)
                if let active = status["ActiveState"]?.text {
                    let running = ["active", "activating"].contains(active)
                    var action: String?
                    switch state {
                    case "started": if !running { action = "start" }
                    case "stopped": if running || active == "deactivating" { action = "stop" }
                    default:
                        action = running ? String(state.dropLast(2)) : "start"
                        result.values["state"] = .string("started")
                    }
                    if let action {
                        result.changed = true
                        undo["previous_state"] = .string(running ? "started" : "stopped")
                        if !context.checkMode {
                            let r = try await sh("\(systemctl) \(action) \(q)")
                            if r.rc != 0 { return .failure("Unable to \(action) service \(unit): \(r.stderr)") }
                        }
                    }
                } else if context.environment.contains(where: { $0 == ("SYSTEMD_OFFLINE", "1") }) {
                    warnings.append(.string("Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working."))
                } else {
                    return .failure("Service is in unknown state", ["status": .dict(status)])
                }
            }
            if !warnings.isEmpty { result.values["warnings"] = .list(warnings) }
            if result.changed && !context.checkMode { result.values["undo_hint"] = .dict(undo) }
            return result
        } catch let exit as ServiceExit {
            return exit.result
        }
    }

    static func requestIgnored(_ out: String) -> Bool {
        !out.contains("=") && (out.contains("ignoring request") || out.contains("ignoring command"))
    }

    /// Ansible's parse_systemctl_show: `Key=value` lines; Exec* values in
    /// `{ … }` may span lines.
    static func parseShow(_ text: String) -> OrderedDictionary<String, Value> {
        var parsed: OrderedDictionary<String, Value> = [:]
        var key: String?
        var multi: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let k = key {
                multi.append(line)
                if line.trimmingCharacters(in: .whitespaces).hasSuffix("}") {
                    parsed[k] = .string(multi.joined(separator: "\n").trimmingCharacters(in: .whitespaces))
                    multi = []
                    key = nil
                }
                continue
            }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let k = String(line[..<eq]), v = String(line[line.index(after: eq)...])
            if k.hasPrefix("Exec") && v.trimmingCharacters(in: .whitespaces).hasPrefix("{") && !v.trimmingCharacters(in: .whitespaces).hasSuffix("}") {
                key = k
                multi = [v]
                continue
            }
            parsed[k] = .string(v.trimmingCharacters(in: .whitespaces))
        }
        return parsed
    }
}
