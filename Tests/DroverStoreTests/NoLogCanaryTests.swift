import DroverTestSupport
import Foundation
import GRDB
import Testing

/// A playbook that hands a canary string to a `no_log: true` task of every
/// module family runs with the real `drover` binary against real test
/// hosts; the canary then must appear nowhere: not in any file under
/// DROVER_HOME (database, WAL, blobs), not on the console of `drover run
/// -v --diff`, not in what the review commands print.
@Suite("no_log: nothing of a censored task reaches the store or the console")
struct NoLogCanaryTests {
    static let canary = "canary-NOLOG-456"
    /// What `slurp` returns for the canary file: its base64.
    static let slurped = Data("\(canary)\n".utf8).base64EncodedString()

    /// Every module family, a loop, a failing ignored task and a handler,
    /// all under no_log; names carry no canary (Ansible shows them).
    static let playbook = """
        - hosts: h15:h16
          gather_facts: false
          vars:
            secret: "\(canary)"
            dir: "{{ testhost_dir }}/nolog"
          handlers:
            - name: secret handler
              command: echo {{ secret }}
              no_log: true
          tasks:
            - name: prepare
              file: { path: "{{ dir }}", state: directory }
            - name: command
              command: echo {{ secret }}
              undo: rm -f /tmp/{{ secret }}
              no_log: true
              notify: secret handler
            - name: command without undo
              command: echo {{ secret }}
              no_log: true
            - name: shell
              shell: echo {{ secret }}; echo {{ secret }} >&2; sleep 0.2; echo {{ secret }}
              no_log: true
            - name: raw
              raw: echo {{ secret }}
              no_log: true
            - name: script
              script: show.sh {{ secret }}
              no_log: true
            - name: copy
              copy: { content: "{{ secret }}\\n", dest: "{{ dir }}/copied-{{ secret }}" }
              no_log: true
            - name: copy over a file
              copy: { content: "again {{ secret }}\\n", dest: "{{ dir }}/copied-{{ secret }}" }
              no_log: true
            - name: template
              template: { src: secret.j2, dest: "{{ dir }}/templated" }
              no_log: true
            - name: file
              file: { path: "{{ dir }}/touched-{{ secret }}", state: touch, mode: "0600" }
              no_log: true
            - name: link
              file: { src: "{{ dir }}/templated", dest: "{{ dir }}/link-{{ secret }}", state: link }
              no_log: true
            - name: lineinfile
              lineinfile: { path: "{{ dir }}/templated", line: "line {{ secret }}" }
              no_log: true
            - name: blockinfile
              blockinfile: { path: "{{ dir }}/templated", block: "block {{ secret }}" }
              no_log: true
            - name: replace
              replace: { path: "{{ dir }}/templated", regexp: "^line ", replace: "LINE {{ secret }} " }
              no_log: true
            - name: stat
              stat: { path: "{{ dir }}/copied-{{ secret }}" }
              no_log: true
            - name: slurp
              slurp: { src: "{{ dir }}/templated" }
              no_log: true
            - name: slurp the first copy
              slurp: { src: "{{ dir }}/touched-{{ secret }}" }
              no_log: true
            - name: debug
              debug: { msg: "{{ secret }}" }
              no_log: true
            - name: assert
              assert: { that: "secret | length > 0", success_msg: "{{ secret }}" }
              no_log: true
            - name: failing assert
              assert: { that: "secret == 'x'", fail_msg: "{{ secret }}" }
              no_log: true
              ignore_errors: true
            - name: fail
              fail: { msg: "{{ secret }}" }
              no_log: true
              ignore_errors: true
            - name: set_fact
              set_fact: { fact: "{{ secret }}" }
              no_log: true
            - name: loop
              command: echo {{ item }}
              loop: ["{{ secret }}-1", "{{ secret }}-2"]
              no_log: true
            - name: failing ignored command
              shell: echo {{ secret }}; echo {{ secret }} >&2; exit 3
              no_log: true
              ignore_errors: true
            - name: undefined in arguments
              command: echo {{ secret }} {{ nosuch }}
              no_log: true
              ignore_errors: true
            - name: remove
              file: { path: "{{ dir }}/copied-{{ secret }}", state: absent }
              no_log: true
        """

    @Test("the canary is nowhere in DROVER_HOME nor on any console: run -v --diff, show, logs, diff, rollback --check, export")
    func canaryNowhere() async throws {
        let home = try scratchDirectory("nolog-home")
        let playbooks = try scratchDirectory("nolog-playbook")
        defer {
            try? FileManager.default.removeItem(atPath: home)
            try? FileManager.default.removeItem(atPath: playbooks)
        }
        try Self.playbook.write(toFile: "\(playbooks)/site.yml", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: "\(playbooks)/files", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(playbooks)/templates", withIntermediateDirectories: true)
        try "#!/bin/sh\necho \"script $1\"\necho \"script $1\" >&2\n".write(toFile: "\(playbooks)/files/show.sh", atomically: true, encoding: .utf8)
        try "{{ secret }}\nline 1\n".write(toFile: "\(playbooks)/templates/secret.j2", atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = home
        var consoles: [(String, ProcessResult)] = []
        func drover(_ arguments: [String]) async throws -> ProcessResult {
            let result = try await run(StoreCommandLineTests.drover, arguments, environment: environment)
            consoles.append((arguments.joined(separator: " "), result))
            return result
        }

        let inventory = TestHosts.path("inventory")
        for _ in 1...2 {
            let run = try await drover(["run", "\(playbooks)/site.yml", "-i", inventory, "-v", "--diff"])
            #expect(run.status == 0, "\(run.output)")
            // The tasks ran: censored results, ignored failures, the handler.
            #expect(run.output.contains("the output has been hidden due to the fact that 'no_log: true' was specified for this result"))
            #expect(run.output.contains("(item=(censored due to no_log))"), "\(run.output)")
            #expect(run.output.contains("RUNNING HANDLER [secret handler]"))
            #expect(run.output.contains("ignored=4"), "\(run.output)")
        }
        for arguments in [["show", "1"], ["logs", "1"], ["logs", "1", "--stderr"], ["logs", "1", "--collected"],
                          ["diff", "1", "2"], ["rollback", "1", "--check"], ["export", "1", "--format", "json"],
                          ["export", "2", "--format", "junit"], ["runs"]] {
            _ = try await drover(arguments)
        }
        #expect(consoles.last?.1.status == 0)
        // The journal says that the no_log tasks changed something, not what.
        let rollback = try #require(consoles.first { $0.0 == "rollback 1 --check" }?.1.output)
        #expect(rollback.contains("cannot undo: a change made by command without undo"), "\(rollback)")

        for (command, result) in consoles {
            for needle in [Self.canary, Self.slurped] {
                #expect(!result.output.contains(needle), "`drover \(command)` printed \(needle):\n\(result.output)")
            }
        }
        // The database's WAL folded into the main file, then every byte of every file.
        let database = try DatabaseQueue(path: "\(home)/drover.sqlite")
        _ = try await database.writeWithoutTransaction { try $0.checkpoint(.truncate) }
        try database.close()
        let files = FileManager.default.enumerator(atPath: home)?.compactMap { $0 as? String } ?? []
        #expect(files.contains("drover.sqlite"))
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: "\(home)/\(file)") else { continue }
            for needle in [Self.canary, Self.slurped] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(file) holds \(needle)")
            }
        }
    }
}
