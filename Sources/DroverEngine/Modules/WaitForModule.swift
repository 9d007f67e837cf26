import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// wait_for: a TCP port (connected to from the host), a path, or a string
/// in a file or a port's banner. The loop runs here; each poll is one
/// primitive or one short `exec` on the host.
///
/// A port is probed with `nc -z` when the host's `nc` has `-z`, else
/// bash's `/dev/tcp`, else `python3`; without any of them the task fails
/// and says so. Banners (`search_regex` with `port`) are read by `nc`,
/// bash or python3 the same way, for up to `connect_timeout` seconds per
/// attempt.
struct WaitForModule: Module {
    func run(_ context: ModuleContext) async throws -> ModuleResult {
        // As in Ansible, wait_for does not support check mode: it is skipped.
        if context.checkMode {
            var result = ModuleResult(msg: "remote module (wait_for) does not support check mode")
            result.skipped = true
            return result
        }
        let args = context.arguments
        let host = args.string("host") ?? "127.0.0.1"
        let timeout = args.int("timeout") ?? 300
        let connectTimeout = args.int("connect_timeout") ?? 5
        let delay = args.int("delay") ?? 0
        let port = args.int("port")
        let path = args.string("path")
        let state = args.string("state") ?? "started"
        let sleep = args.int("sleep") ?? 1
        let customMessage = args.string("msg")
        let searchText = args.string("search_regex")
        let activeStates = args.list("active_connection_states")
            ?? ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"]

        var regex: PythonRegex?
        if let searchText {
            do { regex = try PythonRegex(searchText, multiline: true) } catch {
                return .failure("Invalid regular expression: \(searchText)")
            }
        }
        let zero: OrderedDictionary<String, Value> = ["elapsed": .int(0)]
        if port != nil && path != nil { return .failure("port and path parameter can not both be passed to wait_for", zero) }
        if path != nil && state == "stopped" { return .failure("state=stopped should only be used for checking a port in the wait_for module", zero) }
        if path != nil && state == "drained" { return .failure("state=drained should only be used for checking a port in the wait_for module", zero) }
        if args.list("exclude_hosts") != nil && state != "drained" { return .failure("exclude_hosts should only be with state=drained", zero) }
        for name in activeStates where Self.tcpStates[name] == nil {
            return .failure("unknown active_connection_state (\(name)) defined", zero)
        }

        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .seconds(timeout)
        func elapsed() -> Int { Int((clock.now - start).components.seconds) }
        func remaining() -> Int { max(0, Int(((end - clock.now) / .seconds(1)).rounded(.up))) }
        func timedOut(_ text: String) -> ModuleResult { .failure(customMessage ?? text, ["elapsed": .int(elapsed())]) }
        if delay > 0 { try await Swift.Task.sleep(for: .seconds(delay)) }

        var groups: [Value] = []
        var groupDict: OrderedDictionary<String, Value> = [:]
        let agent = context.agent
        let quotedPath = path.map(TransferPaths.shellWord)

        if port == nil && path == nil && state != "drained" {
            try await Swift.Task.sleep(for: .seconds(timeout))
        } else if state == "absent" || state == "stopped" {
            var done = false
            while clock.now < end {
                if let quotedPath {
                    if try await agent.exec("[ -e \(quotedPath) ]").rc != 0 { done = true; break }
                } else if let port {
                    let probe = try await probe(host: host, port: port, seconds: connectTimeout, agent: agent)
                    if let failure = probe.failure { return .failure(failure, ["elapsed": .int(elapsed())]) }
                    if !probe.connected { done = true; break }
                }
                try await Swift.Task.sleep(for: .seconds(sleep))
            }
            if !done {
                if let port { return timedOut("Timeout when waiting for \(host):\(port) to stop.") }
                if let path { return timedOut("Timeout when waiting for \(path) to be absent.") }
            }
        } else if state == "started" || state == "present" {
            var done = false
            while clock.now < end {
                if let path, let quotedPath {
                    if try await agent.exec("[ -e \(quotedPath) ]").rc == 0 {
                        guard let regex else { done = true; break }
                        if let bytes = try await agent.read(path),
                           let match = regex.search(String(decoding: bytes, as: UTF8.self)) {
                            (groups, groupDict) = Self.captures(match, regex)
                            done = true
                            break
                        }
                    }
                } else if let port {
                    let seconds = min(connectTimeout, remaining())
                    if let regex {
                        let banner = try await read(host: host, port: port, seconds: max(1, seconds), agent: agent)
                        if let failure = banner.failure { return .failure(failure, ["elapsed": .int(elapsed())]) }
                        if let match = regex.search(banner.text) {
                            (groups, groupDict) = Self.captures(match, regex)
                            done = true
                            break
                        }
                    } else {
                        let probe = try await probe(host: host, port: port, seconds: max(1, seconds), agent: agent)
                        if let failure = probe.failure { return .failure(failure, ["elapsed": .int(elapsed())]) }
                        if probe.connected { done = true; break }
                    }
                }
                try await Swift.Task.sleep(for: .seconds(sleep))
            }
            if !done {
                if let port {
                    if let searchText { return timedOut("Timeout when waiting for search string \(searchText) in \(host):\(port)") }
                    return timedOut("Timeout when waiting for \(host):\(port)")
                }
                if let path {
                    if let searchText { return timedOut("Timeout when waiting for search string \(searchText) in \(path)") }
                    return timedOut("Timeout when waiting for file \(path)")
                }
            }
        } else if state == "drained" {
            guard let port else { return .failure("state=drained needs a port", zero) }
            let wanted = Set(activeStates.compactMap { Self.tcpStates[$0] })
            var done = false
            while clock.now < end {
                let count = try await activeConnections(host: host, port: port, states: wanted,
                                                        exclude: args.list("exclude_hosts") ?? [], agent: agent)
                if count == 0 { done = true; break }
                try await Swift.Task.sleep(for: .seconds(sleep))
            }
            if !done { return timedOut("Timeout when waiting for \(host):\(port) to drain") }
        }

        var result = ModuleResult()
        result.values["state"] = .string(state)
        result.values["port"] = port.map(Value.int) ?? .null
        result.values["search_regex"] = searchText.map(Value.string) ?? .null
        result.values["match_groups"] = .list(groups)
        result.values["match_groupdict"] = .dict(groupDict)
        result.values["path"] = path.map(Value.string) ?? .null
        result.values["elapsed"] = .int(elapsed())
        return result
    }

    static func captures(_ match: PythonRegex.Match, _ regex: PythonRegex) -> ([Value], OrderedDictionary<String, Value>) {
        guard match.numberOfGroups > 0 else { return ([], [:]) }
        let groups: [Value] = (1...match.numberOfGroups).map { match.group($0).map(Value.string) ?? .null }
        var dict: OrderedDictionary<String, Value> = [:]
        for name in regex.groupNames { dict[name] = match.group(named: name).map(Value.string) ?? .null }
        return (groups, dict)
    }

    // MARK: - Probes on the host

    /// The connect attempt, with `nc -z`, bash's /dev/tcp or python3. Exit
    /// 0: connected; 3: no tool.
    static func probeScript(host: String, port: Int, seconds: Int) -> String {
        """
        h=\(shellQuote(host)); p=\(port); t=\(seconds)
        to() { if command -v timeout >/dev/null 2>&1; then timeout "$t" "$@"; else "$@"; fi; }
        if command -v nc >/dev/null 2>&1 && nc -h 2>&1 | grep -q -e '-z'; then
          nc -z -w "$t" "$h" "$p" </dev/null >/dev/null 2>&1
        elif command -v bash >/dev/null 2>&1; then
          to bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$h" "$p" </dev/null >/dev/null 2>&1
        elif command -v python3 >/dev/null 2>&1; then
          python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3])).close()' "$h" "$p" "$t" >/dev/null 2>&1
        else
          exit 3
        fi
        """
    }

    /// What a server sends within `seconds` of the connection.
    static func readScript(host: String, port: Int, seconds: Int) -> String {
        """
        h=\(shellQuote(host)); p=\(port); t=\(seconds)
        to() { if command -v timeout >/dev/null 2>&1; then timeout "$t" "$@"; else "$@"; fi; }
        if command -v nc >/dev/null 2>&1; then
          to nc -w "$t" "$h" "$p" </dev/null 2>/dev/null
        elif command -v bash >/dev/null 2>&1; then
          to bash -c 'exec 3<>"/dev/tcp/$0/$1" && cat <&3' "$h" "$p" </dev/null 2>/dev/null
        elif command -v python3 >/dev/null 2>&1; then
          python3 -c '
        import socket, sys, time
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), float(sys.argv[3]))
        end = time.time() + float(sys.argv[3])
        while time.time() < end:
            s.settimeout(max(0.01, end - time.time()))
            try:
                b = s.recv(1024)
            except socket.timeout:
                break
            if not b:
                break
            sys.stdout.buffer.write(b); sys.stdout.flush()
        ' "$h" "$p" "$t" 2>/dev/null
        else
          exit 3
        fi
        exit 0
        """
    }

    static let noTool = "wait_for needs nc, bash or python3 on the host to check a port"

    func probe(host: String, port: Int, seconds: Int, agent: AgentClient) async throws -> (connected: Bool, failure: String?) {
        let r = try await agent.exec(Self.probeScript(host: host, port: port, seconds: seconds), timeout: seconds + 5)
        if r.rc == 3 { return (false, Self.noTool) }
        return (r.rc == 0, nil)
    }

    func read(host: String, port: Int, seconds: Int, agent: AgentClient) async throws -> (text: String, failure: String?) {
        let r = try await agent.exec(Self.readScript(host: host, port: port, seconds: seconds), timeout: seconds + 5)
        if r.rc == 3 { return ("", Self.noTool) }
        return (r.stdoutText, nil)
    }

    // MARK: - drained (Linux: /proc/net/tcp, as Ansible reads it)

    static let tcpStates: [String: String] = [
        "ESTABLISHED": "01", "SYN_SENT": "02", "SYN_RECV": "03", "FIN_WAIT1": "04", "FIN_WAIT2": "05",
        "TIME_WAIT": "06", "CLOSE": "07", "CLOSE_WAIT": "08", "LAST_ACK": "09", "LISTEN": "0A", "CLOSING": "0B",
    ]

    /// Connections to `host:port` in one of `states`, not from `exclude`.
    /// Host names are resolved on the host (`getent ahostsv4`); IPv4 only,
    /// including IPv4-mapped addresses in /proc/net/tcp6.
    func activeConnections(host: String, port: Int, states: Set<String>, exclude: [String], agent: AgentClient) async throws -> Int {
        var script = "r() { case \"$1\" in *[!0-9.]*) getent ahostsv4 \"$1\" 2>/dev/null | awk '{print $1}' | sort -u ;; *) echo \"$1\" ;; esac; }\n"
        script += "echo H; r \(shellQuote(host)); echo X\n"
        for name in exclude { script += "r \(shellQuote(name))\n" }
        script += "echo T; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null\n"
        let r = try await agent.exec(script)
        var hosts: Set<String> = [], excluded: Set<String> = []
        var section = ""
        var count = 0
        let wantedPort = String(format: "%04X", port)
        for line in r.stdoutText.split(separator: "\n") {
            let text = line.trimmingCharacters(in: .whitespaces)
            if ["H", "X", "T"].contains(text) { section = text; continue }
            switch section {
            case "H": if let hex = Self.procHex(text) { hosts.insert(hex) }
            case "X": if let hex = Self.procHex(text) { excluded.insert(hex) }
            default:
                let f = text.split(separator: " ").map(String.init)
                guard f.count > 3, f[1] != "local_address", states.contains(f[3]) else { continue }
                let local = f[1].split(separator: ":").map(String.init)
                let remote = f[2].split(separator: ":").map(String.init)
                guard local.count == 2, remote.count == 2, local[1] == wantedPort else { continue }
                let localIP = Self.ipv4Part(local[0]), remoteIP = Self.ipv4Part(remote[0])
                if let remoteIP, excluded.contains(remoteIP) { continue }
                if hosts.contains("00000000") || (localIP.map { hosts.contains($0) } ?? false) { count += 1 }
            }
        }
        return count
    }

    /// An IPv4 address as /proc/net/tcp writes it (little-endian hex).
    static func procHex(_ ip: String) -> String? {
        let parts = ip.split(separator: ".").compactMap { UInt8($0) }
        guard parts.count == 4 else { return nil }
        return parts.reversed().map { String(format: "%02X", $0) }.joined()
    }

    /// The IPv4 part of a /proc/net/tcp or tcp6 address (v4-mapped in tcp6).
    static func ipv4Part(_ hex: String) -> String? {
        if hex.count == 8 { return hex }
        if hex.count == 32, hex.hasPrefix("0000000000000000FFFF0000") { return String(hex.suffix(8)) }
        return nil
    }
}
