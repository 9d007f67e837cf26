import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Modules end to end on real sshd hosts: the change, idempotency on a
/// second run, check mode, diff.
@Suite("Modules on test hosts")
struct ModuleRunTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - file: { path: "{{ work }}/etc/app", state: directory, mode: "0750" }
            - copy: { content: "port=80\\nname={{ inventory_hostname }}\\n", dest: "{{ work }}/etc/app/app.conf", mode: "0640", force: false }
            - template: { src: motd.j2, dest: "{{ work }}/etc/motd" }
            - lineinfile: { path: "{{ work }}/etc/app/app.conf", regexp: "^port=", line: "port=8080" }
            - blockinfile: { path: "{{ work }}/etc/app/app.conf", block: "debug=1" }
            - replace: { path: "{{ work }}/etc/app/app.conf", regexp: "^name=", replace: "host=" }
            - file: { path: "{{ work }}/etc/link", src: "{{ work }}/etc/motd", state: link }
            - copy: { src: files/data.bin, dest: "{{ work }}/data.bin" }
            - stat: { path: "{{ work }}/data.bin" }
              register: st
            - assert: { that: ["st.stat.exists", "st.stat.size == 3"] }
            - file: { path: "{{ work }}/gone", state: absent }
        """

    func prepare(_ harness: PlaybookHarness) throws {
        try harness.write("templates/motd.j2", "Welcome to {{ inventory_hostname }}\n{% for i in range(3) %}line {{ i }}\n{% endfor %}")
        try harness.write("files/data.bin", "abc")
    }

    @Test("a second run changes nothing; the files are what Ansible would write")
    func idempotent() async throws {
        let harness = try PlaybookHarness("modules", hosts: [15, 16])
        try prepare(harness)
        let (first, _) = try await harness.run(Self.playbook)
        #expect(harness.stats(first, "h15").changed == 8)
        #expect(harness.stats(first, "h15").failed == 0)
        #expect(harness.file("h15/etc/app/app.conf") == "port=8080\nhost=h15\n# BEGIN ANSIBLE MANAGED BLOCK\ndebug=1\n# END ANSIBLE MANAGED BLOCK\n")
        #expect(harness.file("h16/etc/motd") == "Welcome to h16\nline 0\nline 1\nline 2\n")
        let mode = try FileManager.default.attributesOfItem(atPath: "\(harness.directory)/h15/etc/app/app.conf")[.posixPermissions] as? Int
        #expect(mode == 0o640)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "\(harness.directory)/h15/etc/link") == "\(harness.directory)/h15/etc/motd")
        let (second, observer) = try await harness.run(Self.playbook)
        #expect(harness.stats(second, "h15").changed == 0)
        #expect(harness.stats(second, "h16").changed == 0)
        #expect(harness.stats(second, "h15").ok == 11)
        let changed = await observer.reports.filter { $0.status == .changed }
        #expect(changed.isEmpty, "changed on the second run: \(changed.map(\.host))")
    }

    @Test("check mode reports the changes and makes none; diff shows before and after")
    func checkAndDiff() async throws {
        let harness = try PlaybookHarness("check", hosts: [17])
        try prepare(harness)
        var options = RunOptions()
        options.checkMode = true
        options.diffMode = true
        try FileManager.default.createDirectory(atPath: "\(harness.directory)/h17/etc/app", withIntermediateDirectories: true)
        try "port=80\n".write(toFile: "\(harness.directory)/h17/etc/app/app.conf", atomically: true, encoding: .utf8)
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - lineinfile: { path: "{{ work }}/etc/app/app.conf", regexp: "^port=", line: "port=8080" }
                - copy: { content: "new\\n", dest: "{{ work }}/new.txt" }
                - file: { path: "{{ work }}/dir", state: directory }
                - command: touch {{ work }}/touched
            """, options: options)
        #expect(harness.stats(recap, "h17").changed == 3)
        #expect(harness.stats(recap, "h17").skipped == 1)
        #expect(harness.file("h17/etc/app/app.conf") == "port=80\n")
        #expect(harness.file("h17/new.txt") == nil)
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/h17/dir"))
        let diffs = await observer.reports.flatMap(\.diffs)
        #expect(diffs.contains { $0.before == "port=80\n" && $0.after == "port=8080\n" })
    }

    @Test("command results have Ansible's shape; failures carry rc and stderr")
    func commandShape() async throws {
        let harness = try PlaybookHarness("command", hosts: [18])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - shell: "printf 'a\\nb\\n'; echo oops >&2"
                  register: r
                - assert:
                    that:
                      - r.rc == 0
                      - r.stdout == "a\\nb"
                      - r.stdout_lines == ["a", "b"]
                      - r.stderr == "oops"
                      - r.changed
                - command: ls /nonexistent-drover
                  ignore_errors: true
                  register: bad
                - assert: { that: ["bad.failed", "bad.rc == 2", "'No such file' in bad.stderr"] }
                - command: drover-no-such-program --flag
                  ignore_errors: true
                  register: missing
                - assert:
                    that:
                      - missing.failed
                      - missing.rc == 2
                      - missing.msg == 'Error executing command.'
                      - not missing.changed
                - command: printf '%s|' 'a b' "c'd"
                  register: words
                - command: printenv DROVER_GREETING
                  args: { chdir: /tmp }
                  environment: { DROVER_GREETING: "hello there" }
                  register: env
                - assert:
                    that:
                      - words.stdout == "a b|c'd|"
                      - env.stdout == 'hello there'
                - command: echo hi
                  args: { creates: "/" }
            """)
        let stats = harness.stats(recap, "h18")
        #expect(stats.failed == 0)
        #expect(stats.ignored == 2)
        // The ignored failure counts as ok, ignored and changed, as in
        // Ansible; a missing program is not changed.
        #expect(stats.changed == 4)
        let last = await observer.reports.last
        #expect(last?.status == .ok)
    }
}
