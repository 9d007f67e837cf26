import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Controller-side execution (`with_lines`, `lookup('env')`, the local
/// connection): allowed by default, as in Ansible; refused with the task's
/// file:line:column when the run forbids it (a server's runs).
@Suite("Controller access")
struct ControllerAccessTests {
    @Test("forbidden: with_lines, lookup env and pipe, delegate_to localhost, connection local, local_action and a local play fail at their task, and nothing runs on the controller")
    func forbidden() async throws {
        let harness = try PlaybookHarness("controller-forbidden", hosts: [13], extraInventory: "[controller]\nlocalhost\n")
        var options = RunOptions()
        options.controllerAccess = .forbidden
        let (recap, observer) = try await harness.run("""
            - hosts: testhosts
              gather_facts: false
              tasks:
                - name: lines
                  debug: { msg: "{{ item }}" }
                  with_lines: touch {{ playbook_dir }}/ran-lines; echo hi
                  ignore_errors: true
                - name: env
                  debug: { msg: "{{ lookup('env', 'HOME') }}" }
                  ignore_errors: true
                - name: pipe
                  debug: { msg: "{{ lookup('pipe', 'touch ' ~ playbook_dir ~ '/ran-pipe') }}" }
                  ignore_errors: true
                - name: delegated
                  command: touch {{ playbook_dir }}/ran-delegated
                  delegate_to: localhost
                  ignore_errors: true
                - name: local connection
                  command: touch {{ playbook_dir }}/ran-local
                  connection: local
                  ignore_errors: true
                - name: local action
                  local_action: command touch {{ playbook_dir }}/ran-local-action
                  ignore_errors: true
                - name: remote
                  command: "true"
            - hosts: controller
              tasks:
                - command: touch {{ playbook_dir }}/ran-controller
            """, options: options)
        let site = "\(harness.directory)/site.yml"
        // Each refusal names its place in the file: the lookup's expression,
        // else the task's (or, for facts, the play's).
        let expected: [(task: String, at: String, says: String)] = [
            ("lines", "\(site):4:", "with_lines"), ("env", "\(site):9:25:", "lookup('env')"),
            ("pipe", "\(site):12:25:", "lookup('pipe')"), ("delegated", "\(site):14:", "controller"),
            ("local connection", "\(site):18:", "controller"), ("local action", "\(site):22:", "controller"),
        ]
        let reports = await observer.reports
        for (task, at, says) in expected {
            let report = try #require(reports.first { $0.task == task && $0.item == nil }, "\(task)")
            let message = report.result.dictionary["msg"]?.text ?? ""
            #expect(report.status == .failed && report.ignored, "\(task): \(message)")
            #expect(message.hasPrefix(at), "\(task): \(message)")
            #expect(message.contains(says) && message.contains("forbids controller access"), "\(task): \(message)")
        }
        #expect(reports.first { $0.task == "remote" }?.status == .changed)
        let facts = try #require(reports.first { $0.host == "localhost" })
        #expect(facts.status == .failed)
        #expect(facts.result.dictionary["msg"]?.text.hasPrefix("\(site):27:") == true, "\(facts.result)")
        #expect(harness.stats(recap, "localhost").failed == 1)
        let ran = try FileManager.default.contentsOfDirectory(atPath: harness.directory).filter { $0.hasPrefix("ran-") }
        #expect(ran.isEmpty, "ran on the controller: \(ran)")
    }

    @Test("allowed (the default): with_lines reads a controller command's lines, lookup env reads its environment, delegate_to localhost and connection local run there")
    func allowed() async throws {
        let harness = try PlaybookHarness("controller-allowed", hosts: [13])
        let (recap, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: lines
                  debug: { msg: "{{ item }}" }
                  with_lines: printf 'a\\nb\\n'
                - name: failing lines
                  debug: { msg: "{{ item }}" }
                  with_lines: exit 3
                  ignore_errors: true
                - name: env
                  debug: { msg: "{{ lookup('env', 'HOME') }}" }
                - name: over ssh
                  shell: echo "conn=$SSH_CONNECTION"
                - name: delegated
                  shell: echo "conn=$SSH_CONNECTION"
                  delegate_to: localhost
                - name: local connection
                  shell: echo "conn=$SSH_CONNECTION"
                  connection: local
            """)
        #expect(recap.exitCode == 0)
        let reports = await observer.reports
        #expect(reports.filter { $0.task == "lines" }.map(\.item) == ["a", "b"])
        let failing = reports.first { $0.task == "failing lines" }?.result.dictionary["msg"]?.text ?? ""
        #expect(failing.contains("\(harness.directory)/site.yml:7:") && failing.contains("returned 3"), "\(failing)")
        #expect(reports.first { $0.task == "env" }?.result.dictionary["msg"]?.text == ProcessInfo.processInfo.environment["HOME"])
        func output(_ task: String) -> String { reports.first { $0.task == task }?.result.dictionary["stdout"]?.text ?? "?" }
        // sshd says which address a session came in on; a local agent has no such session.
        let sshSession = "\(TestHosts.address(13)) 22"
        #expect(output("over ssh").contains(sshSession), "\(output("over ssh"))")
        #expect(!output("delegated").contains(sshSession) && output("delegated").hasPrefix("conn="), "\(output("delegated"))")
        #expect(!output("local connection").contains(sshSession) && output("local connection").hasPrefix("conn="),
                "\(output("local connection"))")
    }
}
