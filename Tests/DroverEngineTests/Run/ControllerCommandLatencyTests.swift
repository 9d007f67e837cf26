import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// `with_lines` commands run on a thread of their own, never on Swift's
/// cooperative pool. Measured: runs with the timing suites, alone (ops/test).
@Suite("Controller command latency")
struct ControllerCommandLatencyTests {
    @Test("with_lines commands run off the cooperative pool: a slow one on every host at once does not stall other tasks")
    func linesOffThePool() async throws {
        // More hosts than the pool has threads: blocking ones would hold them all.
        let hosts = Array(1...min(ProcessInfo.processInfo.activeProcessorCount + 2, 10))
        let harness = try PlaybookHarness("controller-lines-pool", hosts: hosts)
        let clock = ContinuousClock()
        let ticker = Swift.Task {
            var longest = Duration.zero
            var last = clock.now
            while !Swift.Task.isCancelled {
                try? await Swift.Task.sleep(for: .milliseconds(10))
                longest = max(longest, clock.now - last)
                last = clock.now
            }
            return longest
        }
        let (recap, _) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - debug: { msg: "{{ item }}" }
                  with_lines: sleep 3; echo done
            """)
        ticker.cancel()
        let longest = await ticker.value
        #expect(recap.exitCode == 0)
        #expect(longest < .milliseconds(1500), "the pool stalled for \(longest)")
    }
}
