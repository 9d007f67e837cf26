import DroverTestSupport
import Foundation
import Testing

/// `drover run`'s screen output on a pseudo-terminal (through script(1))
/// and on a pipe, against two local hosts.
@Suite("drover run on a terminal: colours, loop counters, --diff hunks")
struct ConsoleOutputTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - name: each
              command: "echo {{ item }}"
              loop: [a, b, c]
            - name: write
              copy:
                dest: "{{ target }}"
                content: "line 1\\nline 2\\nline 3\\nline 4\\nline 5\\nline 6\\nline 7\\nLINE 8\\nline 9\\nline 10\\n"
              run_once: true
            - name: break
              command: "false"
              ignore_errors: true
        """

    /// A scratch directory with the playbook, a two-host local inventory
    /// and a ten-line file the `write` task would change.
    static func scene(_ label: String) throws -> (dir: String, environment: [String: String]) {
        let dir = try scratchDirectory(label)
        try playbook.write(toFile: "\(dir)/site.yml", atomically: true, encoding: .utf8)
        try "one ansible_connection=local\ntwo ansible_connection=local\n".write(toFile: "\(dir)/inventory", atomically: true, encoding: .utf8)
        try (1...10).map { "line \($0)\n" }.joined().write(toFile: "\(dir)/target.txt", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = dir
        environment["TERM"] = "xterm"
        environment["NO_COLOR"] = nil
        return (dir, environment)
    }

    /// `drover run` on a pseudo-terminal; its output with the terminal's CRs taken out.
    static func onTerminal(_ dir: String, _ extra: [String], environment: [String: String]) async throws -> String {
        let command = ([CommandLineTests.drover, "run", "\(dir)/site.yml", "-i", "\(dir)/inventory", "-e", "target=\(dir)/target.txt"] + extra)
            .joined(separator: " ")
        let result = try await run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: environment)
        return result.output.replacingOccurrences(of: "\r", with: "")
    }

    @Test("results, the ...ignoring note and the recap are in ansible-playbook's colours on a terminal")
    func colours() async throws {
        let (dir, environment) = try Self.scene("console-colours")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let output = try await Self.onTerminal(dir, [], environment: environment)
        #expect(output.contains("\u{1B}[0;33mchanged: [one] (1/3) => (item=a)\u{1B}[0m\n"), "\(output)")
        #expect(output.contains("\u{1B}[0;31mfatal: [two] ("), "\(output)")
        #expect(output.contains("\u{1B}[0;36m...ignoring\u{1B}[0m\n"), "\(output)")
        #expect(output.contains("\u{1B}[0;33mone\u{1B}[0m                       : \u{1B}[0;32mok="), "\(output)")
        #expect(output.contains("\u{1B}[1;35mignored=1   \u{1B}[0m"), "\(output)")
        // TASK and PLAY banners stay plain, as Ansible's.
        #expect(output.contains("\nTASK [write] ****"))
    }

    @Test("no colour with --no-color, with NO_COLOR, with TERM=dumb, or on a pipe")
    func noColour() async throws {
        let (dir, environment) = try Self.scene("console-plain")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var noColor = environment
        noColor["NO_COLOR"] = "1"
        var dumb = environment
        dumb["TERM"] = "dumb"
        let outputs = [
            try await Self.onTerminal(dir, ["--no-color"], environment: environment),
            try await Self.onTerminal(dir, [], environment: noColor),
            try await Self.onTerminal(dir, [], environment: dumb),
            try await run(CommandLineTests.drover, ["run", "\(dir)/site.yml", "-i", "\(dir)/inventory", "-e", "target=\(dir)/target.txt"],
                          environment: environment).output,
        ]
        for output in outputs {
            #expect(output.contains("changed: [one]") && output.contains("PLAY RECAP"), "\(output)")
            #expect(!output.contains("\u{1B}["), "\(output)")
        }
    }

    @Test("on a terminal each loop item's line counts the host's items")
    func loopCounter() async throws {
        var (dir, environment) = try Self.scene("console-loop")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        environment["NO_COLOR"] = "1"
        let output = try await Self.onTerminal(dir, [], environment: environment)
        for host in ["one", "two"] {
            for (index, item) in ["a", "b", "c"].enumerated() {
                #expect(output.contains("changed: [\(host)] (\(index + 1)/3) => (item=\(item))\n"), "\(output)")
            }
        }
        #expect(!output.contains("(0/"), "\(output)")
        // After its loop each host counts as done with the task; the next task counts hosts again.
        #expect(output.contains("fatal: [one] (1/2): FAILED!") || output.contains("fatal: [one] (2/2): FAILED!"), "\(output)")
    }

    @Test("--check --diff prints diff -u hunks with three lines of context and no stray blank line")
    func diffHunks() async throws {
        let (dir, environment) = try Self.scene("console-diff")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let result = try await run(CommandLineTests.drover, ["run", "\(dir)/site.yml", "-i", "\(dir)/inventory", "-e", "target=\(dir)/target.txt",
                                                              "--check", "--diff"], environment: environment)
        let expected = """
            --- before: \(dir)/target.txt
            +++ after: \(dir)/target.txt
            @@ -5,6 +5,6 @@
             line 5
             line 6
             line 7
            -line 8
            +LINE 8
             line 9
             line 10

            changed: [one]
            """
        #expect(result.output.contains("TASK [write] " + String(repeating: "*", count: 67) + "\n" + expected + "\n"),
                "\(result.output)")
    }
}
