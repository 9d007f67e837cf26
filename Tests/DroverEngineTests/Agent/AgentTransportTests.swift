import Crypto
import DroverEngine
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

/// The real agent over a real sshd channel and over local pipes.
@Suite("Agent transport")
struct AgentTransportTests {
    static let script = try! AgentScript(path: TestHosts.repositoryRoot.appendingPathComponent("agents/posix/drover-agent.sh").path)

    static func sshAgent(_ index: Int) async throws -> AgentClient {
        let connection = try await TestHosts.connect(index)
        return AgentClient(try await SSHAgentTransport.start(on: connection, script: script))
    }

    @Test("the agent is cached under its SHA-256 on first use and reused after")
    func uploadOnce() async throws {
        let connection = try await TestHosts.connect(12)
        let cache = "$HOME/.cache/drover/agent-\(Self.script.sha256).sh"
        _ = try await connection.exec("rm -f \(cache)")
        let first = AgentClient(try await SSHAgentTransport.start(on: connection, script: Self.script))
        let cached = try await first.exec("sha256sum \(cache) | cut -c1-64")
        #expect(cached.stdoutText == Self.script.sha256 + "\n")
        await first.transport.close()
        let second = AgentClient(try await SSHAgentTransport.start(on: connection, script: Self.script))
        #expect(try await second.exec("echo again").stdoutText == "again\n")
    }

    @Test("binary content round-trips through write and read", arguments: ["ssh", "local"])
    func binaryRoundTrip(kind: String) async throws {
        let agent = kind == "ssh"
            ? try await Self.sshAgent(13)
            : AgentClient(try await LocalAgentTransport.start(hostName: "localhost", script: Self.script))
        let dir = "/tmp/drover-agent-transport-\(kind)-\(UInt32.random(in: 0...UInt32.max))"
        try await agent.mkdir(dir)
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) } + [0, 10, 0, 255]
        let outcome = try await agent.write("\(dir)/blob", content: bytes, mode: "600")
        #expect(outcome.previous == .absent)
        #expect(try await agent.read("\(dir)/blob") == bytes)
        let state = try await agent.stat("\(dir)/blob")
        #expect(state.isFile && state.mode == "600" && state.size == bytes.count)
        let echoed = try await agent.exec("cat; echo err >&2; exit 3", stdin: bytes)
        #expect(echoed.stdout == bytes && echoed.stderrText == "err\n" && echoed.rc == 3)
        try await agent.remove(dir)
        #expect(try await agent.stat(dir) == .absent)
        await agent.transport.close()
    }

    @Test("one channel carries 200 requests in order, each answered by its own response")
    func manyRequestsOneChannel() async throws {
        let agent = try await Self.sshAgent(14)
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for i in 0..<200 {
                let r = try await agent.exec("echo \(i)")
                #expect(r.stdoutText == "\(i)\n")
            }
        }
        // Timing is for the notes only (bench/ measures it); tests do not time.
        print("warm exec round trip: \(elapsed / 200)")
    }

    @Test("8 MiB of binary output and 4 MiB of stdin cross the agent channel intact", arguments: ["ssh", "local"])
    func largeTransfers(kind: String) async throws {
        let agent = kind == "ssh"
            ? try await Self.sshAgent(15)
            : AgentClient(try await LocalAgentTransport.start(hostName: "localhost", script: Self.script))
        let out = try await agent.exec("head -c 8388608 /dev/urandom | tee /tmp/drover-big-\(kind) ; sha256sum < /tmp/drover-big-\(kind) | cut -c1-64 >&2; rm -f /tmp/drover-big-\(kind)")
        #expect(out.stdout.count == 8 * 1024 * 1024)
        #expect(out.stderrText.trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: out.stdout).map { String(format: "%02x", $0) }.joined())
        let input = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 2) }
        let echoed = try await agent.exec("sha256sum | cut -c1-64", stdin: input)
        #expect(echoed.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == SHA256.hash(data: input).map { String(format: "%02x", $0) }.joined())
        await agent.transport.close()
    }

    @Test("a local agent that dies is reported, not waited on forever")
    func localAgentDies() async throws {
        let agent = AgentClient(try await LocalAgentTransport.start(hostName: "localhost", script: Self.script))
        await #expect(throws: AgentError.self) {
            // The command's parent is the agent's exec waiter; its grandparent the agent itself.
            _ = try await agent.exec("read -r _ _ _ agent _ < /proc/$PPID/stat; kill -KILL $PPID $agent; sleep 2")
        }
    }
}
