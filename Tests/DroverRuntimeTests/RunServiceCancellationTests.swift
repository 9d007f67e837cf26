import DroverCore
import DroverEngine
import DroverRuntime
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// Many runs at once through one RunService and one store, against real
/// sshd hosts: what the store says afterwards.
@Suite("RunService: concurrent runs, cancellation, host locks")
struct RunServiceCancellationTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - command: echo start
            - shell: "echo sleeping; sleep {{ nap }}"
            - command: echo done
        """

    func request(_ harness: PlaybookHarness, hosts: [Int], nap: Int, locking: HostLocking = .failAtOnce) throws -> RunRequest {
        let parsed = try PlaybookParser(extraVariableNames: ["nap"]).parse(file: "\(harness.directory)/site.yml")
        let inventory = try Inventory.load("\(harness.directory)/inventory")
        var options = RunOptions()
        options.extraVars = ["nap": .int(nap)]
        options.limit = Set(hosts.map { "h\($0)" })
        options.cancellation = RunCancellation(grace: .seconds(5))
        let info = RunInfo(playbook: parsed.path, playbookSHA256: "", inventory: [harness.directory + "/inventory"],
                           limit: nil, extraVars: options.extraVars, checkMode: false)
        return RunRequest(playbook: parsed, inventory: inventory, options: options, info: info,
                          connector: TestHostConnector(), script: PlaybookHarness.script, locking: locking)
    }

    /// Waits until every host of the run printed `sleeping`: its sleep runs.
    func waitUntilSleeping(_ handle: RunHandle, hosts: Int) async {
        var output: [String: [UInt8]] = [:]
        for await numbered in handle.events() {
            guard case .output(let chunk) = numbered.event else { continue }
            output[chunk.host, default: []] += chunk.bytes
            if output.values.filter({ String(decoding: $0, as: UTF8.self).contains("sleeping") }).count == hosts { return }
        }
    }

    @Test("10 runs at once on 20 hosts, 3 cancelled: 7 succeed, 3 end cancelled, none stays running, counts right")
    func tenRunsThreeCancelled() async throws {
        let harness = try PlaybookHarness("runservice", hosts: Array(1...20))
        try harness.write("site.yml", Self.playbook)
        let store = try await Store.open(home: try scratchDirectory("runservice-store"))
        let service = RunService(store: store)
        var handles: [RunHandle] = []
        for index in 0..<10 {
            let hosts = [2 * index + 1, 2 * index + 2]
            handles.append(try await service.start(try request(harness, hosts: hosts, nap: index < 3 ? 60 : 1)))
        }
        let clock = ContinuousClock()
        for handle in handles.prefix(3) { await waitUntilSleeping(handle, hosts: 2) }
        let cancelledAt = clock.now
        for handle in handles.prefix(3) { handle.cancel() }
        var outcomes: [RunOutcome] = []
        for handle in handles { outcomes.append(await handle.outcome) }
        #expect(clock.now - cancelledAt < .seconds(5))
        #expect(outcomes.prefix(3).allSatisfy { $0.status == .cancelled && $0.exitCode == 130 })
        #expect(outcomes.dropFirst(3).allSatisfy { $0.status == .succeeded && $0.exitCode == 0 })

        let runs = try await store.runs(RunFilter())
        #expect(runs.count == 10)
        #expect(!runs.contains { $0.status == .running })
        #expect(runs.filter { $0.status == .cancelled }.count == 3)
        #expect(runs.filter { $0.status == .succeeded }.count == 7)
        for handle in handles.prefix(3) {
            let results = try await store.results(handle.id)
            #expect(results.filter { $0.status == .changed }.count == 2, "echo start on both hosts")
            #expect(results.filter { $0.status == .cancelled }.count == 2, "the sleep, cancelled on both hosts")
            #expect(!results.contains { $0.status == .failed })
            #expect(try await store.run(handle.id).hosts == 2)
        }
        for handle in handles.dropFirst(3) {
            let results = try await store.results(handle.id)
            #expect(results.count == 6 && results.allSatisfy { $0.status == .changed })
            #expect(try await store.run(handle.id).changedTasks == 6)
        }
        #expect(try await store.hostLeases().isEmpty, "every lease released")
    }

    @Test("a run needing a locked host fails before changing anything; with a wait it runs after the holder")
    func hostLocks() async throws {
        let harness = try PlaybookHarness("runservicelocks", hosts: [1, 2])
        try harness.write("site.yml", Self.playbook)
        let store = try await Store.open(home: try scratchDirectory("runservice-locks"))
        let service = RunService(store: store)
        let holder = try await service.start(try request(harness, hosts: [1, 2], nap: 2))
        await waitUntilSleeping(holder, hosts: 2)
        let refused = await (try service.start(try request(harness, hosts: [2], nap: 0))).outcome
        #expect(refused.status == .failed)
        #expect(refused.failure?.contains("h2 is held by run \(holder.id)") == true)
        #expect(try await store.results(refused.runID).isEmpty, "nothing ran")
        let waiting = try await service.start(try request(harness, hosts: [1, 2], nap: 0, locking: .wait(.seconds(60))))
        let firstResult = Swift.Task { () -> (ContinuousClock.Instant?, Bool) in
            var waited = false
            for await numbered in waiting.events() {
                if case .message(let text) = numbered.event, text.contains("waiting for hosts held by another run") { waited = true }
                if case .hostResult = numbered.event { return (ContinuousClock.now, waited) }
            }
            return (nil, waited)
        }
        let first = await holder.outcome
        let holderDone = ContinuousClock.now
        let second = await waiting.outcome
        #expect(first.status == .succeeded)
        #expect(second.status == .succeeded)
        let (at, waited) = await firstResult.value
        #expect(waited, "the second run said it waits")
        let started = try #require(at)
        #expect(started >= holderDone - .milliseconds(200), "the waiting run ran only after the holder ended")
    }
}
