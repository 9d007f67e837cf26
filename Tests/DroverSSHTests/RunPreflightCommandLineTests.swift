import DroverTestSupport
import Foundation
import Testing

/// What `drover run` and `drover check` refuse or warn about before any
/// host is contacted (no test hosts needed).
@Suite("drover run and check before contacting hosts")
struct RunPreflightCommandLineTests {
    /// Writes site.yml and an inventory whose only host refuses connections.
    static func scratch(_ playbook: String) throws -> String {
        let dir = try scratchDirectory("preflight")
        try playbook.write(toFile: "\(dir)/site.yml", atomically: true, encoding: .utf8)
        try "web1 ansible_host=127.0.0.1 ansible_port=1\nweb2 ansible_host=127.0.0.1 ansible_port=1\n"
            .write(toFile: "\(dir)/inventory", atomically: true, encoding: .utf8)
        return dir
    }

    @Test("run --list-hosts applies --limit, as ansible-playbook does")
    func listHostsLimited() async throws {
        let root = TestHosts.repositoryRoot.path
        let result = try await run(CommandLineTests.drover, ["run", "playbooks/examples/site.yml", "-i", "Tests/DroverSSHTests/Fixtures/list-inventory",
                                                             "--list-hosts", "-l", "h2"], in: root)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("    hosts (1):\n      h2\n"), "\(result.output)")
        #expect(!result.output.contains("      h1\n"), "\(result.output)")
    }

    @Test("--start-at-task naming no task exits 1 with the closest names, runs and records nothing")
    func startAtUnknownTask() async throws {
        let dir = try Self.scratch("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: Install packages
                  debug: msg=a
                - name: Restart the service
                  debug: msg=b
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let environment = ["DROVER_HOME": dir, "PATH": "/usr/bin:/bin"]
        let result = try await run(CommandLineTests.drover, ["run", "\(dir)/site.yml", "-i", "\(dir)/inventory", "--start-at-task", "Instal packages"],
                                   environment: environment)
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("Error: --start-at-task `Instal packages` matches no task"), "\(result.output)")
        #expect(result.output.contains("did you mean `Install packages`?"), "\(result.output)")
        #expect(!result.output.contains("PLAY RECAP"), "\(result.output)")
        let runs = try await run(CommandLineTests.drover, ["runs"], environment: environment)
        #expect(!runs.output.contains("site.yml"), "\(runs.output)")
    }

    @Test("an empty playbook and a play without tasks are warned about")
    func emptyPlaybookWarns() async throws {
        let dir = try Self.scratch("[]\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let empty = try await run(CommandLineTests.drover, ["check", "\(dir)/site.yml"])
        #expect(empty.output.contains("[WARNING]: \(dir)/site.yml has no plays: nothing to do"), "\(empty.output)")
        try "- hosts: all\n  tasks: []\n".write(toFile: "\(dir)/site.yml", atomically: true, encoding: .utf8)
        let noTasks = try await run(CommandLineTests.drover, ["check", "\(dir)/site.yml"])
        #expect(noTasks.output.contains("[WARNING]: \(dir)/site.yml:1:3: play #1 (all) has no tasks"), "\(noTasks.output)")
    }
}

extension RunPreflightCommandLineTests {
    @Test("check reports Jinja2 syntax errors in task arguments, when and .j2 files with file:line:column")
    func checkTemplateSyntax() async throws {
        let dir = try Self.scratch("""
            - hosts: all
              tasks:
                - debug:
                    msg: "{{ foo | }}"
                  when: r.rc = 0
                - template: src=motd.j2 dest=/etc/motd
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: "\(dir)/templates", withIntermediateDirectories: true)
        try "Hello {{ name | }}\n".write(toFile: "\(dir)/templates/motd.j2", atomically: true, encoding: .utf8)
        let result = try await run(CommandLineTests.drover, ["check", "\(dir)/site.yml"])
        #expect(result.status == 1, "\(result.output)")
        #expect(result.output.contains("\(dir)/site.yml:4:24: "), "\(result.output)")
        #expect(result.output.contains("\(dir)/site.yml:5:18: "), "\(result.output)")
        #expect(result.output.contains("\(dir)/templates/motd.j2:1:17: "), "\(result.output)")
    }
}
