import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// The engine names every task it starts and every result it reports by
/// the task's position in the playbook.
@Suite("Task ids on test hosts")
struct TaskIDRunTests {
    @Test("results carry their task's id: fact gathering, twin unnamed tasks, blocks, includes, handlers")
    func reportsCarryIDs() async throws {
        let harness = try PlaybookHarness("task-ids", hosts: [9])
        try harness.write("more.yml", "- shell: echo more\n")
        let (recap, observer) = try await harness.run("""
            - hosts: all
              tasks:
                - shell: echo one
                - shell: echo two
                  notify: done
                - block:
                    - command: /bin/false
                  rescue:
                    - shell: echo rescued
                - include_tasks: more.yml
              handlers:
                - name: done
                  command: "true"
            """)
        #expect(recap.exitCode == 0)
        let expected = ["p1.t0", "p1.t1", "p1.t2", "p1.t3.1", "p1.t3.2", "p1.t4.1", "p1.h1"]
        #expect(await observer.taskIDs.map(\.description) == expected)
        let reports = await observer.results("h9")
        #expect(reports.map(\.taskID.description) == expected)
        // The same title, different tasks.
        #expect(reports[1].task == reports[2].task && reports[1].taskID != reports[2].taskID)
    }
}
