import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// wait_for end to end on a real sshd host (h19), against servers the test
/// starts on 127.0.0.1.
@Suite("Transfer modules: wait_for")
struct TransferWaitForTests {
    @Test("wait_for: paths, search_regex groups, ports started/stopped/drained, banners, timeouts; skipped in check mode")
    func waitFor() async throws {
        let harness = try PlaybookHarness("transfer-wait", hosts: [19])
        let work = "\(harness.directory)/h19"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try "booting\nready on port 8080\n".write(toFile: "\(work)/app.log", atomically: true, encoding: .utf8)
        let banner = try TransferServer.banner("SSH-2.0-DroverTest\r\n")
        defer { banner.stop() }
        let playbook = """
            - hosts: all
              gather_facts: false
              tasks:
                - wait_for: { path: "{{ work }}/app.log", timeout: 5 }
                - wait_for: { path: "{{ work }}/app.log", search_regex: 'ready on port (\\d+)', timeout: 5 }
                - wait_for: { path: "{{ work }}/app.log", search_regex: 'port (?P<port>\\d+)', timeout: 5 }
                - wait_for: { path: "{{ work }}/never", state: absent, timeout: 5 }
                - wait_for: { path: "{{ work }}/never", timeout: 1, sleep: 1 }
                  ignore_errors: true
                - wait_for: { path: "{{ work }}/later", timeout: 20 }
                - wait_for: { port: \(banner.port), timeout: 10 }
                - wait_for: { host: 127.0.0.1, port: \(banner.port), search_regex: 'SSH-2.0-(\\w+)', timeout: 10 }
                - wait_for: { port: 1, state: stopped, timeout: 5 }
                - wait_for: { port: 1, timeout: 1, msg: "port 1 never opened" }
                  ignore_errors: true
                - wait_for: { port: 1, state: drained, timeout: 5 }
                - wait_for: { path: "{{ work }}/app.log", state: stopped }
                  ignore_errors: true
            """

        var check = RunOptions()
        check.checkMode = true
        let (checked, _) = try await harness.run(playbook, options: check)
        #expect(harness.stats(checked, "h19").skipped == 12)
        #expect(harness.stats(checked, "h19").failed == 0)

        // `later` appears while the task waits.
        let later = "\(work)/later"
        let creator = Swift.Task {
            try await Swift.Task.sleep(for: .seconds(2))
            try "x".write(toFile: later, atomically: true, encoding: .utf8)
        }
        let (recap, observer) = try await harness.run(playbook)
        _ = try await creator.value
        #expect(harness.stats(recap, "h19").failed == 0)
        #expect(harness.stats(recap, "h19").ignored == 3)
        #expect(harness.stats(recap, "h19").changed == 0)
        let r = await observer.transferResults("h19")
        let statuses = await observer.transferStatuses("h19")
        try #require(r.count == 12)
        #expect(statuses.prefix(4).allSatisfy { $0 == .ok })
        #expect(r[0].transferValue("state") == .string("started"))
        #expect(r[0].transferValue("path") == .string("\(work)/app.log"))
        #expect(r[0].transferValue("elapsed")?.transferInt == 0)
        #expect(r[1].transferValue("match_groups") == .list([.string("8080")]))
        #expect(r[2].transferValue("match_groupdict", "port") == .string("8080"))
        #expect(r[4].transferValue("msg") == .string("Timeout when waiting for file \(work)/never"))
        #expect(r[4].transferValue("failed") == .bool(true))
        #expect(statuses[5] == .ok)
        #expect(statuses[6] == .ok)
        #expect(r[6].transferValue("port")?.transferInt == banner.port)
        #expect(statuses[7] == .ok)
        #expect(r[7].transferValue("match_groups") == .list([.string("DroverTest")]))
        #expect(statuses[8] == .ok)
        #expect(r[9].transferValue("msg") == .string("port 1 never opened"))
        #expect(statuses[10] == .ok)
        #expect(r[11].transferValue("msg") == .string("state=stopped should only be used for checking a port in the wait_for module"))
    }
}
