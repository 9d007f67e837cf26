import DroverCore
import DroverEngine
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// `collect` and `collect_on_failure` bring remote logs into the store.
@Suite("Log collection")
struct CollectTests {
    @Test("a failing task collects the play's logs from the failed host only; collect stores exact bytes")
    func collectOnFailure() async throws {
        let harness = try PlaybookHarness("collect", hosts: [18, 19])
        let store = try Store(home: try scratchDirectory("collect-store"))
        let info = RunInfo(playbook: "site.yml", playbookSHA256: "", inventory: [], limit: nil, extraVars: [:], checkMode: false)
        var runID: Int64 = 0
        var started: RunRecorder?
        let binary: [UInt8] = [0, 1, 2, 255, 10] + Array("tail\n".utf8)
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              collect_on_failure:
                - "{{ work }}/logs/*.log"
              tasks:
                - file: { path: "{{ work }}/logs", state: directory }
                - copy: { content: "app log of {{ inventory_hostname }}\\n", dest: "{{ work }}/logs/app.log" }
                - shell: printf '\\000\\001\\002\\377\\ntail\\n' > {{ work }}/logs/bin.out
                - collect: { paths: ["{{ work }}/logs/bin.out"] }
                - command: /bin/false
                  when: inventory_hostname == 'h19'
            """) { collecting in
            let recorder = try await RunRecorder.start(store: store, info: info, forwardingTo: collecting)
            runID = recorder.runID
            started = recorder
            return recorder
        }
        await started?.finish(status: recap.status, recap: recap)
        #expect(recap.exitCode == 2)
        let logs = try await store.collectedLogs(runID)
        let h18 = logs.filter { $0.host == "h18" }
        let h19 = logs.filter { $0.host == "h19" }
        #expect(h18.map(\.source) == ["\(harness.directory)/h18/logs/bin.out"])
        #expect(try await store.content(of: h18[0]) == binary)
        // h19: its collect task (bin.out), then collect_on_failure's *.log glob (app.log).
        #expect(h19.map { ($0.source as NSString).lastPathComponent } == ["bin.out", "app.log"])
        let appLog = try #require(h19.first { $0.source.hasSuffix("app.log") })
        #expect(String(decoding: try await store.content(of: appLog), as: UTF8.self) == "app log of h19\n")
    }
}
