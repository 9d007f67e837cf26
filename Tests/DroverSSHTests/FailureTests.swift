import DroverSSH
import DroverTestSupport
import Foundation
import Testing

/// Uses its own three hosts on a private base so that killing and pausing sshd
/// cannot disturb other tests.
@Suite("Dead and hung hosts", .serialized)
struct FailureTests {
    @Test("a killed sshd is refused and a hung one times out, while the healthy host succeeds")
    func deadHosts() async throws {
        let dir = try scratchDirectory("failure")
        let up = try await run(TestHosts.testhostsScript, ["up", "3", dir, "--base", TestHosts.privateBase(3)])
        #expect(up.status == 0, "\(up.output)")
        defer {
            _ = try? runBlocking(TestHosts.testhostsScript, ["down", dir])
            try? FileManager.default.removeItem(atPath: dir)
        }
        func pid(_ host: String) throws -> Int32 {
            Int32(try String(contentsOfFile: "\(dir)/hosts/\(host)/sshd.pid", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))!
        }
        let dead = try pid("h2")
        kill(dead, SIGKILL)
        // SIGKILL lands asynchronously: until the process is gone it may still
        // accept (and reset) a connection instead of the port refusing it.
        for _ in 0..<250 where kill(dead, 0) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        kill(try pid("h3"), SIGSTOP)  // accepts TCP (kernel backlog) but never answers

        func target(_ index: Int) -> SSHTarget {
            SSHTarget(name: "h\(index)", address: "\(TestHosts.privateBase(3)).\(index)", port: 22, user: "root",
                      authentication: .privateKey(path: "\(dir)/id_ed25519"),
                      knownHostsFile: "\(dir)/known_hosts", sshConfig: .none, connectTimeout: .seconds(2))
        }
        let clock = ContinuousClock()
        let outcomes = await withTaskGroup(of: (Int, Result<String, SSHError>, Duration).self) { group in
            for index in 1...3 {
                group.addTask {
                    let start = clock.now
                    do {
                        let ssh = try await SSHConnection.connect(to: target(index))
                        return (index, .success(try await ssh.exec("echo alive").stdoutText), clock.now - start)
                    } catch let error as SSHError {
                        return (index, .failure(error), clock.now - start)
                    } catch {
                        return (index, .failure(SSHError(.connectFailed, host: "?", "\(error)")), clock.now - start)
                    }
                }
            }
            return await group.reduce(into: [Int: (Result<String, SSHError>, Duration)]()) { $0[$1.0] = ($1.1, $1.2) }
        }
        #expect(try outcomes[1]?.0.get() == "alive\n")
        guard case .failure(let refused)? = outcomes[2]?.0, case .failure(let hung)? = outcomes[3]?.0 else {
            Issue.record("the dead and the paused host should both have failed: \(outcomes)")
            return
        }
        #expect(refused.code == .connectionRefused, "\(refused)")
        #expect(refused.isUnreachable)
        #expect(outcomes[2]!.1 < .seconds(2), "a refused connection must not wait for the timeout")
        #expect(hung.code == .timeout, "\(hung)")
        // Given up after the 2 s timeout, not later (margin for a loaded machine).
        #expect(outcomes[3]!.1 >= .seconds(2))
        #expect(outcomes[3]!.1 < .seconds(5), "the paused host took \(outcomes[3]!.1) with a 2 s connect timeout")
    }
}
