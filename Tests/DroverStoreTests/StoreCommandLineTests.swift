import DroverTestSupport
import Foundation
import Testing

/// The real `drover` binary, with a DROVER_HOME of its own, against two
/// real test hosts: run, then review the recorded run.
@Suite("drover runs/show/logs/diff/export/prune end to end")
struct StoreCommandLineTests {
    static var drover: String { droverExecutable }

    /// Tasks that change nothing on the hosts.
    static let playbook = """
        - hosts: h19:h20
          gather_facts: false
          tasks:
            - name: greet
              debug:
                msg: "hello {{ inventory_hostname }}"
            - name: nothing
              command: "true"
            - name: say
              shell: printf 'out %s\\nline 2\\n' {{ inventory_hostname }}; echo "err {{ inventory_hostname }}" >&2
            - name: maybe fail
              shell: "exit {{ fail_code | default(0) }}"
              when: inventory_hostname == 'h20'
        """

    @Test("a recorded run is listed, shown, its output printed byte for byte, compared and exported as valid JUnit")
    func endToEnd() async throws {
        let home = try scratchDirectory("cli-store-home")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.playbook.write(toFile: "\(home)/site.yml", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = home
        func drover(_ arguments: [String]) async throws -> ProcessResult {
            try await run(Self.drover, arguments, environment: environment)
        }
        /// stdout alone, as bytes (the helper above merges stderr in).
        func droverStdout(_ arguments: [String]) async throws -> SeparateStreams {
            try await runSeparately(Self.drover, arguments, environment: environment)
        }

        let first = try await drover(["run", "\(home)/site.yml", "-i", TestHosts.path("inventory")])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("run 1 recorded"))
        let second = try await drover(["run", "\(home)/site.yml", "-i", TestHosts.path("inventory"), "-e", "fail_code=3"])
        #expect(second.status == 2, "\(second.output)")

        let runs = try await drover(["runs"])
        #expect(runs.status == 0)
        let lines = runs.output.split(separator: "\n")
        #expect(lines.count == 3, "\(runs.output)")
        #expect(lines.dropFirst().first?.hasPrefix("2 ") == true && lines.last?.hasPrefix("1 ") == true)
        #expect(lines.dropFirst().first?.contains("failed") == true && lines.last?.contains("succeeded") == true)
        #expect(try await drover(["runs", "--status", "failed"]).output.split(separator: "\n").count == 2)

        let show = try await drover(["show", "2"])
        #expect(show.status == 0)
        #expect(show.output.contains("  maybe fail: failed on 1 host, skipped on 1\n      h20: failed rc=3"), "\(show.output)")
        #expect(show.output.contains("\nchanged:\n  nothing: changed on 2 hosts\n  say: changed on 2 hosts\n"), "\(show.output)")
        #expect(show.output.contains("h19") && show.output.contains("failed=1"))
        let longShow = try await drover(["show", "2", "-v"])
        #expect(longShow.output.contains("[h20] maybe fail: failed rc=3"), "\(longShow.output)")
        #expect(longShow.output.contains("  [h19] say\n  [h20] say\n"), "\(longShow.output)")

        // One result: exactly its stored bytes (the module drops the final newline, as Ansible's does).
        let one = try await droverStdout(["logs", "1", "--host", "h19", "--task", "say"])
        #expect(one.status == 0)
        #expect(one.stdout == Array("out h19\nline 2".utf8))
        #expect(try await droverStdout(["logs", "1", "--host", "h20", "--task", "3", "--stderr"]).stdout == Array("err h20".utf8))
        // Several: stdout is the outputs back to back; the headers go to stderr.
        let both = try await droverStdout(["logs", "1", "--task", "say"])
        #expect(both.stdout == Array("out h19\nline 2out h20\nline 2".utf8))
        let merged = try await drover(["logs", "1", "--task", "say"])
        #expect(merged.output.contains("==> [h19] say <=="))
        #expect(try await drover(["logs", "1", "--task", "nosuch"]).status == 1)

        let diff = try await drover(["diff", "1", "2"])
        #expect(diff.status == 1, "\(diff.output)")
        #expect(diff.output.hasPrefix("new failures (1):\n  maybe fail on h20: changed rc=0 → failed rc=3"), "\(diff.output)")
        let longDiff = try await drover(["diff", "1", "2", "-v"])
        #expect(longDiff.output.hasPrefix("new failures (1):\n  [h20] maybe fail: changed rc=0 → failed rc=3"), "\(longDiff.output)")
        #expect(try await drover(["diff", "1", "1"]).status == 0)
        // Another playbook's run: compared all the same, with a word first.
        try Self.playbook.write(toFile: "\(home)/other.yml", atomically: true, encoding: .utf8)
        #expect(try await drover(["run", "\(home)/other.yml", "-i", TestHosts.path("inventory")]).status == 0)
        let across = try await drover(["diff", "1", "3"])
        #expect(across.output.hasPrefix("runs 1 and 3 ran different playbooks (\(home)/site.yml and \(home)/other.yml)"), "\(across.output)")
        #expect(across.output.contains("runs 1 and 3 do not differ"), "\(across.output)")

        let junit = try await droverStdout(["export", "2", "--format", "junit"])
        #expect(junit.status == 0)
        let xml = String(decoding: junit.stdout, as: UTF8.self)
        let check = try await validateJUnit(xml, in: home)
        #expect(check.status == 0, "\(check.output)")
        #expect(xml.contains("<testsuite name=\"h20\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"0\""), "\(xml)")
        #expect(xml.contains("<testsuite name=\"h19\" tests=\"4\" failures=\"0\" errors=\"0\" skipped=\"1\""), "\(xml)")
        #expect(xml.contains("<testcase name=\"maybe fail\" classname=\"h20\""))
        let json = try await droverStdout(["export", "2", "--format", "json", "--output", "\(home)/run.json"])
        #expect(json.status == 0 && json.stdout.isEmpty)
        #expect(FileManager.default.contents(atPath: "\(home)/run.json").map { $0.count > 1000 } == true)

        let dry = try await drover(["prune", "--older-than", "0s", "--dry-run"])
        #expect(dry.output.contains("would remove 3 run(s)"), "\(dry.output)")
        #expect(try await drover(["runs"]).output.split(separator: "\n").count == 4)
        let pruned = try await drover(["prune", "--older-than", "0s"])
        #expect(pruned.output.contains("removed 3 run(s)"), "\(pruned.output)")
        #expect(try await drover(["runs"]).output == "no recorded runs match\n")
        #expect(try await drover(["prune", "--older-than", "soon"]).status == 64)
    }
}
