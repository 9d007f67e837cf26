import DroverCore
import DroverEngine
import DroverSSH
import Foundation

/// An agent that lives in memory: it answers protocol requests in Swift,
/// for engine tests of strategy and cancellation that need no sshd (the
/// EmbeddedChannel idea). `exec` understands `sleep N` (stopped by a kill
/// request; `stubborn` hosts ignore TERM), `echo WORDS`, `exit N` and
/// `true`; every other request answers rc 0.
public struct MemoryAgentTransport: AgentTransport {
    public let hostName: String
    /// Ignores TERM, as a child that traps it would: only KILL stops it.
    public var stubborn = false
    /// What ran, for assertions.
    public let log: MemoryAgentLog

    public init(hostName: String, stubborn: Bool = false, log: MemoryAgentLog = MemoryAgentLog()) {
        self.hostName = hostName
        self.stubborn = stubborn
        self.log = log
    }

    public func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                                   interruption: (any ExchangeInterruption)?,
                                                   decoder: Decoder) async throws -> Decoder {
        var decoder = decoder
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        for parsed in AgentFrame.parseRequests(request) where parsed.operation != "kill" {
            let (out, err) = try await answer(parsed, interruption: interruption)
            stdout += out
            stderr += err
        }
        guard decoder.advance(stdout: &stdout, stderr: &stderr) else {
            throw AgentError(.protocolError, host: hostName, "the in-memory agent's answer did not complete the response")
        }
        return decoder
    }

    public func close() async {}

    private func answer(_ request: AgentFrame.Request, interruption: (any ExchangeInterruption)?) async throws -> ([UInt8], [UInt8]) {
        let token = request.token
        func framed(out: String = "", err: String = "", meta: String = "", rc: Int) -> [UInt8] {
            Array("DRV\(AgentFrame.version) \(token)\n\(out)\n\(token)\n\(err)\n\(token)\n\(meta)\n\(token) \(rc)\n".utf8)
        }
        switch request.operation {
        case "hello":
            return (framed(meta: "protocol=\(AgentFrame.version)", rc: 0), [])
        case "exec":
            let words = String(decoding: request.fields.first ?? [], as: UTF8.self)
                .split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\n")) }
            log.record(hostName, words.joined(separator: " "))
            var out = "", rc = 0, meta = "stderr=stream"
            switch words.first {
            case "sleep":
                let seconds = Double(words.dropFirst().first ?? "0") ?? 0
                if let signal = try await sleep(seconds, interruption) {
                    rc = signal == "KILL" ? 137 : 143
                    meta += "\nkilled=\(signal)"
                }
            case "echo": out = words.dropFirst().joined(separator: " ") + "\n"
            case "exit": rc = Int(words.dropFirst().first ?? "0") ?? 0
            case "false": rc = 1
            default: break
            }
            // A streamed exec has no header line (docs/agent-protocol.md).
            let streamed = framed(out: out, meta: meta, rc: rc).drop { $0 != 10 }.dropFirst()
            return (Array(streamed), Array("\n\(token)\n".utf8))
        case "stat":
            let count = max(0, request.fields.count - 1)
            return (framed(meta: (1...max(1, count)).map { "item=\($0)\nexists=0" }.joined(separator: "\n"), rc: 0), [])
        default:
            return (framed(rc: 0), [])
        }
    }

    /// Sleeps in small steps, reading kill requests as the real exchange
    /// loop writes them; returns the signal that stopped it.
    private func sleep(_ seconds: Double, _ interruption: (any ExchangeInterruption)?) async throws -> String? {
        let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            let now = ContinuousClock.now
            if let interruption {
                if let bytes = interruption.bytesToSend(now: now) {
                    let signals = AgentFrame.parseRequests(bytes).filter { $0.operation == "kill" }
                        .map { String(decoding: $0.fields.first ?? [], as: UTF8.self) }
                    if signals.contains("KILL") { return "KILL" }
                    if signals.contains("TERM") && !stubborn { return "TERM" }
                }
                if interruption.shouldAbandon(now: now) {
                    throw AgentError(.timeout, host: hostName, "the in-memory agent was abandoned")
                }
            }
            try? await Swift.Task.sleep(for: .milliseconds(5))
        }
        return nil
    }
}

/// Commands the in-memory agents ran, by host.
public final class MemoryAgentLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(host: String, command: String)] = []

    public init() {}

    func record(_ host: String, _ command: String) {
        lock.withLock { entries.append((host, command)) }
    }

    public var commands: [(host: String, command: String)] { lock.withLock { entries } }
}

/// Connects every host to an in-memory agent.
public struct MemoryConnector: HostConnector {
    public let log = MemoryAgentLog()
    public var stubbornHosts: Set<String> = []

    public init(stubbornHosts: Set<String> = []) {
        self.stubbornHosts = stubbornHosts
    }

    public func connect(host: String, variables: [String: Value], become: BecomeSpec?, script: AgentScript) async throws -> any AgentTransport {
        MemoryAgentTransport(hostName: host, stubborn: stubbornHosts.contains(host), log: log)
    }

    public func shutdown() async {}
}
