import DroverCore
import DroverEngine
import DroverTestSupport
import Foundation
import Testing

/// Cancellation through the engine with in-memory agents (no sshd): what
/// stops, what is recorded, how long it takes.
@Suite("Cancelling a run (in-memory agents)")
struct MemoryCancellationTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - command: echo first
            - command: sleep 30
            - command: echo never
          handlers:
            - name: never either
              command: echo handler
        """

    func cancel(after delay: Duration, grace: Duration, stubborn: Set<String> = [], twice: Bool = false)
        async throws -> (RunRecap, CollectingObserver, MemoryConnector, Duration) {
        let harness = try PlaybookHarness("memcancel", hosts: [1, 2, 3, 4, 5])
        var options = RunOptions()
        options.cancellation = RunCancellation(grace: grace)
        let connector = MemoryConnector(stubbornHosts: stubborn)
        let cancellation = options.cancellation
        let clock = ContinuousClock()
        let log = connector.log
        let stopper = Swift.Task {
            // Every host is in its sleep (the process may be slow to start on a loaded machine).
            while log.commands.filter({ $0.command.hasPrefix("sleep") }).count < 5 {
                try await Swift.Task.sleep(for: .milliseconds(10))
            }
            try await Swift.Task.sleep(for: delay)
            let start = clock.now
            cancellation.cancel()
            if twice {
                try await Swift.Task.sleep(for: .milliseconds(100))
                cancellation.cancel()
            }
            return start
        }
        let (recap, observer) = try await harness.run(Self.playbook, options: options, connector: connector)
        let end = clock.now
        // From the cancel to the end of the run.
        let start = try await stopper.value
        return (recap, observer, connector, end - start)
    }

    @Test("a cancel stops the running task on every host at once, records it cancelled, and starts nothing after it")
    func stopsRunningTask() async throws {
        let (recap, observer, connector, elapsed) = try await cancel(after: .milliseconds(300), grace: .seconds(10))
        #expect(elapsed < .seconds(3))
        for host in ["h1", "h2", "h3", "h4", "h5"] {
            let stats = recap.hosts.first { $0.name == host }?.stats
            #expect(stats?.ok == 1)
            #expect(stats?.cancelled == 1)
            #expect(stats?.failed == 0)
            let statuses = await observer.results(host).map(\.status)
            #expect(statuses == [.changed, .cancelled], "\(statuses)")
        }
        #expect(!connector.log.commands.contains { $0.command.contains("never") })
        #expect(recap.exitCode == 0)
    }

    @Test("a command that ignores TERM is killed when the grace period is over")
    func stubbornAfterGrace() async throws {
        let (recap, observer, _, elapsed) = try await cancel(after: .milliseconds(200), grace: .milliseconds(700), stubborn: ["h3"])
        #expect(elapsed >= .milliseconds(650))
        #expect(elapsed < .seconds(3))
        #expect(await observer.results("h3").last?.status == .cancelled)
        #expect(recap.hosts.allSatisfy { $0.stats.cancelled == 1 })
    }

    @Test("a second cancel does not wait for the grace period")
    func forced() async throws {
        let (_, observer, _, elapsed) = try await cancel(after: .milliseconds(200), grace: .seconds(20), stubborn: ["h1", "h2"], twice: true)
        #expect(elapsed < .seconds(3))
        #expect(await observer.results("h1").last?.status == .cancelled)
    }
}
