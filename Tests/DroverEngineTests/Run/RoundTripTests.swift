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
}
