import DroverTestSupport
import Foundation
import Testing

/// Runs the real `drover` binary against the test hosts' generated inventory.
@Suite("drover ping and exec")
struct CommandLineTests {
    static var drover: String { droverExecutable }

    static func drover(_ arguments: [String]) async throws -> ProcessResult {
        try await run(drover, arguments)
    }

    @Test("ping reaches all 20 hosts and exits 0")
    func pingAll() async throws {
        let result = try await Self.drover(["ping", "-i", TestHosts.path("inventory")])
        #expect(result.status == 0, "\(result.output)")
        let okLines = result.output.split(separator: "\n").filter { $0.contains(" | ok (") }
        #expect(okLines.count == TestHosts.count)
        #expect(result.output.contains("ping: 20 ok, 0 unreachable of 20 host(s)"))
    }

    @Test("ping names the reason a host is unreachable and exits 4")
    func pingUnknownKey() async throws {
        let dir = try scratchDirectory("cli-unknown")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: "\(dir)/known_hosts", contents: Data())
        let result = try await Self.drover(["ping", "-i", TestHosts.path("inventory"), "h1:h2", "--known-hosts", "\(dir)/known_hosts"])
        #expect(result.status == 4)
        #expect(result.output.contains("h1 | UNREACHABLE: host key of \(TestHosts.address(1)) is unknown"))
        #expect(result.output.contains("ping: 0 ok, 2 unreachable of 2 host(s)"))
    }

    @Test("exec prints per-host output and rc, and exits 2 when a command fails")
    func execOutput() async throws {
        let ok = try await Self.drover(["exec", "-i", TestHosts.path("inventory"), "h3", "--", "echo", "it's", "$HOME"])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("h3 | CHANGED | rc=0 >>\nit's $HOME\n"))

        let failed = try await Self.drover(["exec", "-i", TestHosts.path("inventory"), "h3:h4", "--", "echo oops >&2; exit 5"])
        #expect(failed.status == 2)
        #expect(failed.output.contains("h4 | FAILED | rc=5 >>"))
        #expect(failed.output.contains("h4 | stderr >>\noops\n"))
        #expect(failed.output.contains("exec: 0 ok, 2 failed, 0 unreachable of 2 host(s)"))
    }

    @Test("exec is recorded as a run: listed with its command, its output in logs")
    func execRecorded() async throws {
        let marker = "exec-audit-\(UInt32.random(in: 0...UInt32.max))"
        let result = try await Self.drover(["exec", "-i", TestHosts.path("inventory"), "h5", "--", "echo \(marker)"])
        #expect(result.status == 0, "\(result.output)")
        let recorded = try #require(result.output.split(separator: "\n").first { $0.hasPrefix("recorded as run ") })
        let id = String(recorded.dropFirst("recorded as run ".count).prefix { $0.isNumber })
        let runs = try await Self.drover(["runs"])
        #expect(runs.output.split(separator: "\n").contains { $0.hasPrefix("\(id) ") && $0.contains("echo \(marker) (exec)") }, "\(runs.output)")
        let logs = try await Self.drover(["logs", id])
        #expect(logs.output.contains(marker), "\(logs.output)")
    }

    @Test("rollback runs through the CLI: a --check rollback is listed as a check, the real one undoes the run and marks it")
    func rollbackRecorded() async throws {
        let dir = try scratchDirectory("cli-rollback")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "- hosts: h6\n  gather_facts: false\n  tasks:\n    - copy: { content: made, dest: \(dir)/made }\n"
            .write(toFile: "\(dir)/play.yml", atomically: true, encoding: .utf8)
        let recordedID = { (output: String, prefix: String) in
            output.split(separator: "\n").first { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count).prefix { $0.isNumber }) } ?? "?"
        }
        let played = try await Self.drover(["run", "\(dir)/play.yml", "-i", TestHosts.path("inventory")])
        #expect(played.status == 0, "\(played.output)")
        let runID = recordedID(played.output, "run ")
        let checked = try await Self.drover(["rollback", runID, "--check"])
        #expect(checked.status == 0, "\(checked.output)")
        let checkID = recordedID(checked.output, "rollback check recorded as run ")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/made"))
        let undone = try await Self.drover(["rollback", runID])
        #expect(undone.status == 0, "\(undone.output)")
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/made"))
        let runs = try await Self.drover(["runs"]).output.split(separator: "\n")
        #expect(runs.contains { $0.hasPrefix("\(checkID) ") && $0.hasSuffix("(rollback of \(runID), check)") }, "\(runs)")
        #expect(runs.contains { $0.hasPrefix("\(runID) ") && $0.contains("rolled_back") }, "\(runs)")
    }

    @Test("run --list-hosts/--list-tasks/--list-tags prints what ansible-playbook printed",
          arguments: ["site", "upgrade-web"])
    func listings(playbook: String) async throws {
        let root = TestHosts.repositoryRoot.path
        let expected = try String(contentsOfFile: "\(root)/Tests/DroverSSHTests/Fixtures/\(playbook).list.txt", encoding: .utf8)
        let result = try await run(Self.drover, ["run", "playbooks/examples/\(playbook).yml", "-i", "Tests/DroverSSHTests/Fixtures/list-inventory",
                                            "--list-tasks", "--list-tags", "--list-hosts"], in: root)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output == expected)
    }

    @Test("check names the file, line and column of a misspelt module")
    func checkError() async throws {
        let dir = try scratchDirectory("check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "- hosts: all\n  tasks:\n    - name: copy it\n      cpoy:\n        src: a\n        dest: b\n"
            .write(toFile: "\(dir)/play.yml", atomically: true, encoding: .utf8)
        let result = try await Self.drover(["check", "\(dir)/play.yml"])
        #expect(result.status == 1)
        #expect(result.output.contains("\(dir)/play.yml:4:7: unknown module `cpoy`; did you mean `copy`?"), "\(result.output)")
    }

    @Test("a pattern matching nothing is an error with a suggestion, and nothing runs")
    func badPattern() async throws {
        let result = try await Self.drover(["exec", "-i", TestHosts.path("inventory"), "testhost", "--", "touch /tmp/should-not-exist"])
        #expect(result.status == 1)
        #expect(!result.output.contains("Usage:"))
        #expect(result.output.contains("did you mean `testhosts`"))
    }

    @Test("drover run exits 1 with file:line:column before touching any host when the playbook is wrong")
    func runUsageError() async throws {
        let dir = try scratchDirectory("bad-playbook")
        try "- hosts: all\n  tasks:\n    - cpoy: src=a dest=b\n".write(toFile: "\(dir)/site.yml", atomically: true, encoding: .utf8)
        let result = try await run(Self.drover, ["run", "\(dir)/site.yml", "-i", TestHosts.path("inventory")],
                             environment: ["DROVER_HOME": dir, "PATH": "/usr/bin:/bin"])
        #expect(result.status == 1)
        #expect(result.output.contains("site.yml:3:7: unknown module `cpoy`; did you mean `copy`?"))
    }

}
