import Crypto
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Exec channels")
struct ExecTests {
    @Test("stdout, stderr and rc come back apart; stdin reaches the command")
    func streamsApart() async throws {
        let ssh = try await TestHosts.connect(10)
        let result = try await ssh.exec("read line; echo \"out:$line\"; echo \"err:$line\" >&2; exit 7", stdin: Array("hello\n".utf8))
        #expect(result.stdoutText == "out:hello\n")
        #expect(result.stderrText == "err:hello\n")
        #expect(result.exitStatus == 7)
        #expect(result.exitSignal == nil)
    }

    @Test("a command killed by a signal reports the signal")
    func exitSignal() async throws {
        let ssh = try await TestHosts.connect(10)
        let result = try await ssh.exec("kill -KILL $$")
        #expect(result.exitSignal == "KILL")
        #expect(result.exitStatus == nil)
    }

    @Test("10 MiB of binary stdout arrives byte for byte")
    func largeBinaryOutput() async throws {
        let ssh = try await TestHosts.connect(11)
        let size = 10 * 1024 * 1024
        let result = try await ssh.exec("""
            f=$(mktemp); head -c \(size) /dev/urandom > "$f"; sha256sum "$f" | cut -d' ' -f1 >&2; cat "$f"; rm -f "$f"
            """)
        #expect(result.exitStatus == 0)
        #expect(result.stdout.count == size)
        let local = SHA256.hash(data: result.stdout).map { String(format: "%02x", $0) }.joined()
        #expect(result.stderrText.trimmingCharacters(in: .whitespacesAndNewlines) == local)
    }

    @Test("large stdin and large output at once do not deadlock")
    func largeStdinEcho() async throws {
        let ssh = try await TestHosts.connect(11)
        var input = [UInt8](repeating: 0, count: 4 * 1024 * 1024)
        for i in input.indices { input[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 13) }
        let result = try await ssh.exec("cat; cat /etc/hostname >&2", stdin: input)
        #expect(result.exitStatus == 0)
        #expect(result.stdout == input)
        #expect(!result.stderr.isEmpty)
    }

    @Test("streamed output arrives in order without being collected")
    func streaming() async throws {
        let ssh = try await TestHosts.connect(12)
        let counter = ByteCounter()
        let status = try await ssh.exec("head -c 3000000 /dev/zero; echo done >&2") { stream, bytes in
            counter.add(stream, bytes.count)
        }
        #expect(status.exitStatus == 0)
        #expect(counter.total(.stdout) == 3_000_000)
        #expect(counter.total(.stderr) == 5)
    }

    @Test("a command past its timeout is stopped with a timeout error, and the session stays usable")
    func timeout() async throws {
        let ssh = try await TestHosts.connect(12)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: SSHError.self) {
            try await ssh.exec("sleep 20", timeout: .milliseconds(300))
        }
        #expect(error?.code == .timeout)
        #expect(clock.now - start < .seconds(3))
        #expect(try await ssh.exec("echo still here").stdoutText == "still here\n")
    }

    @Test("one session serves many commands")
    func reuse() async throws {
        let ssh = try await TestHosts.connect(13)
        for i in 0..<50 {
            #expect(try await ssh.exec("echo \(i)").stdoutText == "\(i)\n")
        }
    }

    @Test("an idle session with keepalives stays usable")
    func keepalive() async throws {
        var target = TestHosts.target(13)
        target.keepaliveInterval = .milliseconds(100)
        let ssh = try await SSHConnection.connect(to: target)
        try await Task.sleep(for: .milliseconds(700))
        #expect(await ssh.isConnected)
        #expect(try await ssh.exec("true").exitStatus == 0)
    }
}

final class ByteCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [ExecStream: Int] = [:]
    func add(_ stream: ExecStream, _ count: Int) {
        lock.withLock { counts[stream, default: 0] += count }
    }
    func total(_ stream: ExecStream) -> Int { lock.withLock { counts[stream, default: 0] } }
}

