import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Authentication against real sshd")
struct AuthenticationTests {
    @Test("key files of each type log in", arguments: ["id_ed25519", "id_ecdsa", "id_rsa"])
    func keyTypes(key: String) async throws {
        let target = TestHosts.target(1, authentication: .privateKey(path: TestHosts.path(key)))
        let ssh = try await SSHConnection.connect(to: target)
        let result = try await ssh.exec("id -un")
        #expect(result.stdoutText == "root\n")
        #expect(await ssh.user == "root")
    }

    @Test("a passphrase-protected key logs in with its passphrase")
    func passphraseKey() async throws {
        let passphrase = try String(contentsOfFile: TestHosts.path("passphrase"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let target = TestHosts.target(2, authentication: .privateKey(
            path: TestHosts.path("id_ed25519_pass"), passphrase: SSHSecret(passphrase)))
        let ssh = try await SSHConnection.connect(to: target)
        #expect(try await ssh.exec("true").exitStatus == 0)
    }

    @Test("a protected key without its passphrase is refused, naming the key")
    func passphraseMissing() async throws {
        let key = TestHosts.path("id_ed25519_pass")
        let error = await #expect(throws: SSHError.self) {
            try await SSHConnection.connect(to: TestHosts.target(2, authentication: .privateKey(path: key)))
        }
        #expect(error?.code == .keyFileUnreadable)
        #expect(error?.message.contains(key) == true)
        #expect(error?.message.contains("passphrase") == true)
    }

    @Test("a key the host does not know is an authentication error naming the key")
    func wrongKey() async throws {
        let dir = try scratchDirectory("wrongkey")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let key = "\(dir)/stranger"
        try await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", key])
        let error = await #expect(throws: SSHError.self) {
            try await SSHConnection.connect(to: TestHosts.target(3, authentication: .privateKey(path: key)))
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.message.contains(key) == true)
        #expect(error?.isUnreachable == true)
    }

    @Test("a missing key file is named in the error")
    func missingKey() async throws {
        let error = await #expect(throws: SSHError.self) {
            try await SSHConnection.connect(to: TestHosts.target(3, authentication: .privateKey(path: "/nonexistent/key")))
        }
        #expect(error?.code == .keyFileUnreadable)
        #expect(error?.message.contains("/nonexistent/key") == true)
    }

    @Test("password login works, and a wrong password never shows in the error")
    func password() async throws {
        let password = try String(contentsOfFile: TestHosts.path("password"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let good = TestHosts.target(4, authentication: .password(SSHSecret(password)), user: "drover-pw")
        let ssh = try await SSHConnection.connect(to: good)
        #expect(try await ssh.exec("id -un").stdoutText == "drover-pw\n")

        let wrong = "not-the-password-\(UInt32.random(in: 0...UInt32.max))"
        let bad = TestHosts.target(4, authentication: .password(SSHSecret(wrong)), user: "drover-pw")
        let error = await #expect(throws: SSHError.self) { try await SSHConnection.connect(to: bad) }
        #expect(error?.code == .authenticationFailed)
        #expect(error.map { "\($0)" }?.contains(wrong) == false)
        #expect("\(bad.authentication)".contains(wrong) == false)
    }

    @Test("keys held by ssh-agent log in")
    func agent() async throws {
        let dir = try scratchDirectory("agent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let socket = "\(dir)/agent.sock"
        // In the foreground, so the test owns it; SIGKILL because a spawned
        // child may inherit a blocked SIGTERM.
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", socket]
        agent.standardInput = FileHandle.nullDevice
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { kill(agent.processIdentifier, SIGKILL) }
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: socket) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let added = try await run("/usr/bin/ssh-add", [TestHosts.path("id_ecdsa")], environment: ["SSH_AUTH_SOCK": socket])
        #expect(added.status == 0, "\(added.output)")

        let ssh = try await SSHConnection.connect(to: TestHosts.target(5, authentication: .agent(socket: socket)))
        #expect(try await ssh.exec("true").exitStatus == 0)
    }
}
