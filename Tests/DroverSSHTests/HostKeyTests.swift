import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Host key verification and ssh config")
struct HostKeyTests {
    @Test("an unknown host key is refused with its fingerprint and how to accept it")
    func unknownRefused() async throws {
        let dir = try scratchDirectory("unknown")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = "\(dir)/known_hosts"
        _ = FileManager.default.createFile(atPath: empty, contents: Data())
        let error = await #expect(throws: SSHError.self) {
            try await SSHConnection.connect(to: TestHosts.target(6, knownHosts: empty))
        }
        #expect(error?.code == .hostKeyUnknown)
        #expect(error?.message.contains("ssh-ed25519 SHA256:") == true)
        #expect(error?.message.contains("accept-new") == true)
        #expect(try String(contentsOfFile: empty, encoding: .utf8).isEmpty)
    }

    @Test("a changed host key is refused loudly")
    func changedRefused() async throws {
        let dir = try scratchDirectory("changed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "\(dir)/impostor"])
        let impostor = try String(contentsOfFile: "\(dir)/impostor.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        let knownHosts = "\(dir)/known_hosts"
        try "\(TestHosts.address(7)) \(impostor)\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)

        for policy in [HostKeyPolicy.strict, .acceptNew] {
            let error = await #expect(throws: SSHError.self) {
                try await SSHConnection.connect(to: TestHosts.target(7, knownHosts: knownHosts, policy: policy))
            }
            #expect(error?.code == .hostKeyChanged)
            #expect(error?.message.contains("HAS CHANGED") == true)
            #expect(error?.message.contains("ssh-keygen -R") == true)
        }
    }

    @Test("accept-new records an unknown key, and strict accepts it afterwards")
    func acceptNew() async throws {
        let dir = try scratchDirectory("acceptnew")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let knownHosts = "\(dir)/sub/known_hosts"
        let first = try await SSHConnection.connect(to: TestHosts.target(8, knownHosts: knownHosts, policy: .acceptNew))
        #expect(try await first.exec("true").exitStatus == 0)
        let recorded = try String(contentsOfFile: knownHosts, encoding: .utf8)
        let expectedKey = try String(contentsOfFile: "\(TestHosts.directory)/hosts/h8/ssh_host_ed25519_key.pub", encoding: .utf8)
            .split(separator: " ")[1]
        #expect(recorded.contains(expectedKey))
        let again = try await SSHConnection.connect(to: TestHosts.target(8, knownHosts: knownHosts, policy: .strict))
        #expect(try await again.exec("true").exitStatus == 0)
    }

    @Test("ssh config supplies HostName, User, Port and IdentityFile")
    func sshConfig() async throws {
        let dir = try scratchDirectory("sshconfig")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = "\(dir)/config"
        try """
            Host build-box
                HostName \(TestHosts.address(9))
                User root
                Port 22
                IdentityFile \(TestHosts.path("id_rsa"))
                UserKnownHostsFile \(TestHosts.knownHosts)
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let target = SSHTarget(name: "build-box", sshConfig: .file(config))
        let ssh = try await SSHConnection.connect(to: target)
        let result = try await ssh.exec("echo $DROVER_TESTHOST")
        #expect(result.stdoutText == "h9\n")
        #expect(await ssh.user == "root")
    }
}
