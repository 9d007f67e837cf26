import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Play-level behaviour on real hosts: batches, failures, handlers, loops,
/// blocks, delegation, run_once, the local connection.
@Suite("Strategy on test hosts")
struct StrategyRunTests {
    @Test("serial batches stop when max_fail_percentage is exceeded; later batches never run")
    func serialMaxFail() async throws {
        let harness = try PlaybookHarness("serial", hosts: [1, 2, 3, 4, 5, 6])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              serial: 2
              max_fail_percentage: 40
              tasks:
                - command: "{{ 'false' if inventory_hostname in ['h3', 'h4'] else 'true' }}"
                - file: { path: "{{ work }}", state: directory }
            """)
        #expect(recap.exitCode == 2)
        #expect(harness.stats(recap, "h1").ok == 2 && harness.stats(recap, "h2").ok == 2)
        #expect(harness.stats(recap, "h3").failed == 1 && harness.stats(recap, "h4").failed == 1)
        #expect(harness.stats(recap, "h5").ok == 0 && harness.stats(recap, "h6").ok == 0)
        #expect(FileManager.default.fileExists(atPath: "\(harness.directory)/h1"))
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/h5"))
    }

    @Test("rollback: on_failure undoes a failed batch's changes, keeps earlier batches, and stops the run")
    func rollbackOnFailure() async throws {
        let harness = try PlaybookHarness("onfailure", hosts: [5, 6, 7, 8])
        for host in [5, 6, 7, 8] {
            try FileManager.default.createDirectory(atPath: "\(harness.directory)/h\(host)", withIntermediateDirectories: true)
            try "v1\n".write(toFile: "\(harness.directory)/h\(host)/app.conf", atomically: true, encoding: .utf8)
        }
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              serial: 2
              rollback: on_failure
              tasks:
                - copy: { content: "v2\\n", dest: "{{ work }}/app.conf" }
                - file: { path: "{{ work }}/releases/v2", state: directory }
                - command: "{{ 'false' if inventory_hostname == 'h7' else 'true' }}"
            - hosts: all
              gather_facts: false
              tasks:
                - copy: { content: "never", dest: "{{ work }}/second-play" }
            """)
        #expect(recap.exitCode == 2)
        #expect(harness.file("h5/app.conf") == "v2\n" && harness.file("h6/app.conf") == "v2\n")
        #expect(harness.file("h7/app.conf") == "v1\n" && harness.file("h8/app.conf") == "v1\n")
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/h8/releases"))
        #expect(harness.file("h5/second-play") == nil)
    }

    @Test("any_errors_fatal stops every host after one fails")
    func anyErrorsFatal() async throws {
        let harness = try PlaybookHarness("fatal", hosts: [1, 2, 3])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              any_errors_fatal: true
              tasks:
                - fail: { msg: boom }
                  when: inventory_hostname == 'h2'
                - file: { path: "{{ work }}", state: directory }
            """)
        #expect(harness.stats(recap, "h2").failed == 1)
        #expect(harness.stats(recap, "h1").skipped == 1 && harness.stats(recap, "h1").ok == 0)
        #expect(!FileManager.default.fileExists(atPath: "\(harness.directory)/h1"))
    }

    @Test("a handler notified several times runs once per host, at the end and at flush_handlers; a topic runs all its listeners")
    func handlersOnce() async throws {
        let harness = try PlaybookHarness("handlers", hosts: [7, 8])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - file: { path: "{{ work }}", state: directory }
                - copy: { content: "a", dest: "{{ work }}/a" }
                  notify: count
                - copy: { content: "b", dest: "{{ work }}/b" }
                  notify: [count, other]
                - meta: flush_handlers
                - copy: { content: "c", dest: "{{ work }}/c" }
                  notify: by listen
                - debug: msg=unchanged
                  notify: count
              handlers:
                - name: count
                  shell: echo x >> {{ work }}/count
                - name: other
                  shell: echo y >> {{ work }}/other
                - name: listener
                  shell: echo z >> {{ work }}/listened
                  listen: by listen
                - name: second listener
                  shell: echo w >> {{ work }}/listened2
                  listen: by listen
            """)
        #expect(recap.exitCode == 0)
        #expect(harness.file("h7/count") == "x\n")
        #expect(harness.file("h8/other") == "y\n")
        #expect(harness.file("h7/listened") == "z\n")
        // One topic runs every handler listening to it.
        #expect(harness.file("h8/listened2") == "w\n")
        let titles = await observer.titles
        #expect(titles.firstIndex(of: "count")! < titles.firstIndex(of: "copy")! + 3)
    }

    @Test("loops with loop_control, until with retries, and register of results")
    func loopsAndUntil() async throws {
        let harness = try PlaybookHarness("loops", hosts: [9])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - file: { path: "{{ work }}", state: directory }
                - copy: { content: "{{ f.v }}", dest: "{{ work }}/{{ f.n }}" }
                  loop: [{n: one, v: "1"}, {n: two, v: "2"}]
                  loop_control: { loop_var: f, label: "{{ f.n }}", index_var: i }
                  register: copies
                - shell: echo . >> {{ work }}/tries; wc -l < {{ work }}/tries
                  register: t
                  until: t.stdout | int >= 3
                  retries: 5
                  delay: 0
                - assert:
                    that:
                      - copies.results | length == 2
                      - copies.results[1].f.n == 'two'
                      - copies.changed
                      - t.attempts == 3
                - debug: msg="{{ item.key }}={{ item.value }}"
                  with_dict: { a: 1 }
                - command: echo {{ item }}
                  with_items: [[x, y], z]
                  register: flat
                - assert: { that: ["flat.results | map(attribute='item') | list == ['x', 'y', 'z']"] }
            """)
        #expect(recap.exitCode == 0)
        #expect(harness.file("h9/two") == "2")
    }

    @Test("block/rescue/always with ansible_failed_result; the host counts as rescued")
    func blockRescue() async throws {
        let harness = try PlaybookHarness("blocks", hosts: [10])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - file: { path: "{{ work }}", state: directory }
                - block:
                    - command: /bin/sh -c 'exit 3'
                    - copy: { content: never, dest: "{{ work }}/never" }
                  rescue:
                    - copy: { content: "{{ ansible_failed_result.rc }}", dest: "{{ work }}/rescued" }
                  always:
                    - copy: { content: always, dest: "{{ work }}/always" }
                - block:
                    - fail: { msg: second }
                  always:
                    - copy: { content: yes, dest: "{{ work }}/always2" }
                - copy: { content: x, dest: "{{ work }}/after" }
            """)
        #expect(harness.file("h10/rescued") == "3")
        #expect(harness.file("h10/never") == nil)
        #expect(harness.file("h10/always") == "always")
        #expect(harness.file("h10/always2") == "True")
        #expect(harness.file("h10/after") == nil)
        let stats = harness.stats(recap, "h10")
        #expect(stats.rescued == 1 && stats.failed == 1)
        #expect(recap.exitCode == 2)
        // The failure the rescue handled is marked; the one without a rescue is not.
        let failures = await observer.reports.filter { $0.status == .failed }
        #expect(failures.map(\.rescued) == [true, false])
    }

    @Test("delegate_to localhost runs on the controller; run_once runs on one host and registers for all")
    func delegateAndRunOnce() async throws {
        let harness = try PlaybookHarness("delegate", hosts: [11, 12])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - shell: echo {{ inventory_hostname }} >> {{ playbook_dir }}/delegated
                  delegate_to: localhost
                - command: hostname
                  run_once: true
                  register: once
                - assert: { that: ["once.rc == 0"] }
            """)
        #expect(recap.exitCode == 0)
        let lines = harness.file("delegated")?.split(separator: "\n").sorted()
        #expect(lines == ["h11", "h12"])
        let onceReports = await observer.reports.filter { $0.result.dictionary["cmd"] == .list([.string("hostname")]) }
        #expect(onceReports.count == 1)
    }

    @Test("strategy free: a host runs ahead while another still waits in its first task")
    func freeStrategy() async throws {
        let harness = try PlaybookHarness("free", hosts: [11, 12])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              strategy: free
              tasks:
                - file: { path: "{{ work }}", state: directory }
                # h11 waits (up to 60 s) for a file h12 writes in its *second* task:
                # only possible when h12 does not wait for h11 between tasks.
                - shell: timeout 60 sh -c 'until [ -f {{ playbook_dir }}/h12-second ]; do sleep 0.1; done'
                  when: inventory_hostname == 'h11'
                - shell: touch {{ playbook_dir }}/{{ inventory_hostname }}-second
            """)
        #expect(recap.exitCode == 0)
        #expect(harness.stats(recap, "h11").failed == 0 && harness.stats(recap, "h11").changed == 3)
    }

    @Test("--step: a task answered no does not run; continue stops asking")
    func step() async throws {
        let harness = try PlaybookHarness("step", hosts: [13])
        let asked = Asked()
        var options = RunOptions()
        options.stepPrompt = { title in
            await asked.add(title)
            return title == "skip me" ? .no : title == "then continue" ? .continueAll : .yes
        }
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - { name: run me, debug: { msg: a } }
                - { name: skip me, debug: { msg: b } }
                - { name: then continue, debug: { msg: c } }
            """, options: options)
        #expect(harness.stats(recap, "h13").ok == 2)
        let msgs = await observer.reports.compactMap { $0.result.dictionary["msg"]?.text }
        #expect(msgs == ["a", "c"])
        #expect(await asked.titles == ["run me", "skip me", "then continue"])
    }

    @Test("delegate_facts: facts set for a delegated task belong to the delegated host")
    func delegateFacts() async throws {
        let harness = try PlaybookHarness("delegate-facts", hosts: [11, 12])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - set_fact: { marker: "from {{ inventory_hostname }}" }
                  delegate_to: h12
                  delegate_facts: true
                  when: inventory_hostname == 'h11'
                - assert: { that: ["marker is not defined"] }
                  when: inventory_hostname == 'h11'
                - assert: { that: ["marker == 'from h11'"] }
                  when: inventory_hostname == 'h12'
            """)
        #expect(recap.exitCode == 0)
    }

    @Test("include_vars loads a vars file (plain and under name:), above play vars, below set_fact")
    func includeVars() async throws {
        let harness = try PlaybookHarness("include-vars", hosts: [13])
        try harness.write("vars/app.yml", "app_port: 8080\nlevel: included\n")
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              vars: { level: play }
              tasks:
                - include_vars: app.yml
                - include_vars: { file: app.yml, name: scoped }
                - assert: { that: ["app_port == 8080", "level == 'included'", "scoped.app_port == 8080"] }
                - set_fact: { level: fact }
                - include_vars: app.yml
                - assert: { that: ["level == 'fact'"] }
            """)
        let failures = await observer.reports.filter { $0.status == .failed }.map(\.result)
        #expect(recap.exitCode == 0, "\(failures)")
    }

    @Test("tags select tasks; never runs only when asked; always always runs")
    func tags() async throws {
        let harness = try PlaybookHarness("tags", hosts: [13])
        var options = RunOptions()
        options.tags = ["conf"]
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - debug: msg=a
                  tags: conf
                - debug: msg=b
                  tags: other
                - debug: msg=c
                  tags: always
                - debug: msg=d
                  tags: [never, debug]
            """, options: options)
        #expect(harness.stats(recap, "h13").ok == 2)
        let msgs = await observer.reports.compactMap { $0.result.dictionary["msg"]?.text }
        #expect(msgs == ["a", "c"])
    }

    @Test("localhost runs the agent over pipes, without sshd")
    func localConnection() async throws {
        let harness = try PlaybookHarness("local", hosts: [], extraInventory: "localhost\n")
        let (recap, _) = try await harness.run("""
            - hosts: localhost
              tasks:
                - copy: { content: "{{ ansible_facts.hostname }}", dest: "{{ playbook_dir }}/local.txt" }
            """)
        #expect(recap.exitCode == 0)
        #expect(harness.file("local.txt") == ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init))
    }

    @Test("an unreachable host is reported as such and the others finish")
    func unreachable() async throws {
        let harness = try PlaybookHarness("unreachable", hosts: [14], extraInventory: "h99 ansible_host=\(TestHosts.address(99))\n")
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - file: { path: "{{ work | default(playbook_dir + '/none') }}", state: directory }
                - copy: { content: ok, dest: "{{ work | default(playbook_dir + '/none') }}/done" }
            """)
        #expect(harness.stats(recap, "h99").unreachable == 1)
        #expect(harness.stats(recap, "h14").ok == 2)
        #expect(harness.file("h14/done") == "ok")
        #expect(recap.exitCode == 4)
    }
}

/// Hosts of their own (a private base), because these tests kill sshd or switch users.
@Suite("Hosts that die, and become", .serialized)
struct HostLifecycleRunTests {
    @Test("a host whose sshd dies mid-play is unreachable; the others finish")
    func sshdDiesMidPlay() async throws {
        let dir = try scratchDirectory("dies")
        let up = try await DroverTestSupport.run(TestHosts.testhostsScript, ["up", "3", dir, "--base", TestHosts.privateBase(6)])
        #expect(up.status == 0, "\(up.output)")
        defer { _ = try? runBlocking(TestHosts.testhostsScript, ["down", dir]) }
        let harness = try PlaybookHarness("dies-run", hosts: [1, 2, 3])
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - file: { path: "{{ work }}", state: directory }
                - shell: "kill -KILL $(pgrep -P {{ pid }}) {{ pid }}"
                  delegate_to: localhost
                  when: inventory_hostname == 'h2'
                  vars: { pid: "{{ lookup('file', '\(dir)/hosts/h2/sshd.pid') }}" }
                - copy: { content: done, dest: "{{ work }}/after" }
            """, connector: TestHostConnector(base: TestHosts.privateBase(6), directory: dir))
        #expect(harness.stats(recap, "h2").unreachable == 1)
        #expect(harness.file("h1/after") == "done")
        #expect(harness.file("h3/after") == "done")
        #expect(harness.file("h2/after") == nil)
        #expect(recap.exitCode == 4)
    }

    @Test("become runs the agent through sudo as become_user; a second agent serves the login user")
    func become() async throws {
        let harness = try PlaybookHarness("become", hosts: [19])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - command: id -un
                  become: true
                  become_user: drover-pw
                  register: other
                - command: id -un
                  register: login
                - assert: { that: ["other.stdout == 'drover-pw'", "login.stdout == 'root'"] }
            """)
        let results = await observer.reports.map(\.result)
        #expect(recap.exitCode == 0, "\(results)")
    }
}

actor Asked {
    var titles: [String] = []
    func add(_ title: String) { titles.append(title) }
}
