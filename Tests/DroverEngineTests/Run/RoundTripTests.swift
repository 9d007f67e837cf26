import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Round trips per task as the controller counts them (issue: one round
/// trip per task), on a real host: what a WAN link makes each task cost.
@Suite("Round trips per task")
struct RoundTripTests {
    func trips(_ reports: [HostTaskReport]) -> [String: Int] {
        Dictionary(reports.map { ($0.task, $0.roundTrips) }, uniquingKeysWith: +)
    }

    @Test("the agent start is 2; a task that checks and acts is 1 when nothing changes")
    func perModule() async throws {
        let harness = try PlaybookHarness("round-trips", hosts: [18])
        try harness.write("h18/payload", String(repeating: "x", count: 65536))
        let playbook = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: start
                  command: "true"
                - name: command
                  command: "true"
                - name: stat
                  stat: { path: "{{ work }}/payload", checksum_algorithm: sha256 }
                - name: directory
                  file: { path: "{{ work }}", state: directory }
                - name: lineinfile
                  lineinfile: { path: "{{ work }}/conf", line: "a=1", create: true }
                - name: copy
                  copy: { src: "{{ work }}/payload", dest: "{{ work }}/copy" }
            """
        _ = try await harness.run(playbook)
        let (_, second) = try await harness.run(playbook)
        let counted = trips(await second.results("h18"))
        #expect(counted == ["start": 3, "command": 1, "stat": 1, "directory": 1, "lineinfile": 1, "copy": 1], "\(counted)")
    }

    @Test("facts come with the agent's hello: gathering costs no round trip of its own; a second play asks afresh")
    func factsWithHello() async throws {
        let harness = try PlaybookHarness("round-trips-facts", hosts: [19])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              tasks:
                - debug: { msg: "{{ ansible_hostname }}" }
            - hosts: all
              tasks:
                - debug: { msg: "{{ ansible_kernel }}" }
            """)
        #expect(recap.exitCode == 0)
        let gathering = await observer.results("h19").filter { $0.task == "Gathering Facts" }.map(\.roundTrips)
        #expect(gathering == [2, 1])
    }

    @Test("a loop of one-request items goes to the agent as one batch: one round trip, results and reports in item order")
    func pipelinedLoop() async throws {
        let harness = try PlaybookHarness("round-trips-loop", hosts: [17])
        let playbook = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: start
                  command: "true"
                - name: dirs
                  file: { path: "{{ work }}/{{ item }}", state: directory, mode: "0750" }
                  loop: [a, b, c, d]
                  register: made
                - name: stats
                  stat: { path: "{{ work }}/{{ item }}" }
                  loop: [a, missing, c]
                  register: looked
                - name: some
                  file: { path: "{{ work }}/{{ item }}", state: file }
                  loop: [a, skipped, nothere]
                  when: item != 'skipped'
                  ignore_errors: true
                - name: touched
                  file: { path: "{{ work }}/t-{{ item }}", state: touch }
                  loop: [1, 2]
                - debug: { msg: "{{ made.results | map(attribute='item') | list }} {{ looked.results | map(attribute='stat.exists') | list }}" }
            """
        let (_, observer) = try await harness.run(playbook)
        let reports = await observer.results("h17")
        let counted = trips(reports)
        #expect(counted["dirs"] == 1 && counted["stats"] == 1 && counted["some"] == 1, "\(counted)")
        // touch is not one request: item by item, each paying its own.
        #expect((counted["touched"] ?? 0) >= 2 * 2, "\(counted)")
        #expect(reports.filter { $0.task == "dirs" }.map(\.item) == ["a", "b", "c", "d"])
        #expect(reports.filter { $0.task == "dirs" }.allSatisfy { $0.status == .changed })
        #expect(reports.filter { $0.task == "some" }.map(\.status) == [.ok, .skipped, .failed])
        let shown = reports.first { $0.module == "debug" }?.result.dictionary["msg"]?.text ?? ""
        #expect(shown == "['a', 'b', 'c', 'd'] [True, False, True]", "\(shown)")
        for name in ["a", "b", "c", "d"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: "\(harness.directory)/h17/\(name)")
            #expect((attributes[.posixPermissions] as? Int) == 0o750)
        }
        let (_, again) = try await harness.run(playbook)
        #expect(await again.results("h17").filter { $0.task == "dirs" }.allSatisfy { $0.status == .ok })
    }

    @Test("an edit of a file the run already knows writes in one round trip, and never over a change it has not seen")
    func knownContent() async throws {
        let harness = try PlaybookHarness("round-trips-known", hosts: [16])
        try harness.write("h16/conf", "a=0\n")
        let playbook = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: first
                  lineinfile: { path: "{{ work }}/conf", regexp: "^a=", line: "a=1" }
                - name: second
                  lineinfile: { path: "{{ work }}/conf", line: "b=2" }
                - name: behind our back
                  shell: echo c=3 >> {{ work }}/conf
                - name: third
                  lineinfile: { path: "{{ work }}/conf", line: "d=4" }
                - name: fourth
                  blockinfile: { path: "{{ work }}/conf", block: "e=5" }
            """
        let (recap, observer) = try await harness.run(playbook)
        #expect(recap.exitCode == 0)
        let counted = trips(await observer.results("h16"))
        // first: read and write; second: one write; third: the write finds
        // the file changed and comes back with it, then writes; fourth: one.
        #expect(counted["first"] == 2 + 2 && counted["second"] == 1 && counted["third"] == 2 && counted["fourth"] == 1,
                "\(counted)")
        #expect(harness.file("h16/conf") == "a=1\nb=2\nc=3\nd=4\n# BEGIN ANSIBLE MANAGED BLOCK\ne=5\n# END ANSIBLE MANAGED BLOCK\n")
    }
}
