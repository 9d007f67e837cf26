import DroverSSH
import Foundation
import Testing

/// Uses its own three hosts on 127.0.3.x so that killing and pausing sshd
/// cannot disturb other tests.
@Suite("Dead and hung hosts", .serialized)
struct FailureTests {
    @Test("a killed sshd is refused and a hung one times out, while the healthy host succeeds")
    func deadHosts() async throws {
        let dir = try scratchDirectory("failure")
        let up = try run(TestHosts.testhostsScript, ["up", "3", dir, "--base", "127.0.3"])
        #expect(up.status == 0, "\(up.output)")
        defer {
            _ = try? run(TestHosts.testhostsScript, ["down", dir])
            try? FileManager.default.removeItem(atPath: dir)
        }
        func pid(_ host: String) throws -> Int32 {
            Int32(try String(contentsOfFile: "\(dir)/hosts/\(host)/sshd.pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))!
        }
        kill(try pid("h2"), SIGKILL)
        kill(try pid("h3"), SIGSTOP)  // accepts TCP (kernel backlog) but never answers

        func target(_ index: Int) -> SSHTarget {
            SSHTarget(name: "h\(index)", address: "127.0.3.\(index)", port: 22, user: "root",
                      authentication: .privateKey(path: "\(dir)/id_ed25519"),
                      knownHostsFile: "\(dir)/known_hosts", sshConfig: .none, connectTimeout: .seconds(2))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await withTaskGroup(of: (Int, Result<String, SSHError>).self) { group in
            for index in 1...3 {
                group.addTask {
                    do {
                        let ssh = try await SSHConnection.connect(to: target(index))
                        return (index, .success(try await ssh.exec("echo alive").stdoutText))
                    } catch let error as SSHError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(SSHError(.connectFailed, host: "?", "\(error)")))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<String, SSHError>]()) { $0[$1.0] = $1.1 }
        }
        let elapsed = clock.now - start
        #expect(try outcomes[1]?.get() == "alive\n")
        #expect(throws: SSHError.self) { try outcomes[2]?.get() }
        if case .failure(let refused) = outcomes[2] {
            #expect(refused.code == .connectionRefused)
            #expect(refused.isUnreachable)
        }
        if case .failure(let hung) = outcomes[3] {
            #expect(hung.code == .timeout, "\(hung)")
        } else {
            Issue.record("the paused host should have timed out")
        }
        #expect(elapsed < .seconds(5), "took \(elapsed) with a 2 s connect timeout")
    }
}
