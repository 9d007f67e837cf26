import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Many hosts at once")
struct ParallelTests {
    @Test("20 hosts connect and run in parallel while the cooperative pool stays responsive")
    func twentyHosts() async throws {
        _ = TestHosts.directory  // fixture set-up blocks; keep it out of the measurement
        let ticker = Ticker()
        let ticking = Task { await ticker.run() }
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 1...TestHosts.count {
                group.addTask {
                    let ssh = try await TestHosts.connect(index)
                    return try await ssh.exec("echo $DROVER_TESTHOST").stdoutText
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        ticking.cancel()
        _ = await ticking.value
        #expect(names == Set((1...TestHosts.count).map { "h\($0)\n" }))
        // Blocking libssh calls run on the connections' own threads, so a
        // 10 ms ticker on the cooperative pool never waits for a handshake
        // (which takes seconds here for 20 hosts). The bound leaves room for
        // CPU contention from the 20 sshd processes on two cores.
        let gap = await ticker.longestGap
        // A blocking libssh call on the pool would stall it for seconds (20 connects);
        // the margin above 1 s covers the whole suite running on 2 cores.
        #expect(gap < .seconds(2), "the cooperative pool stalled for \(gap)")
    }
}

/// Ticks every 10 ms on the cooperative pool and records the longest gap.
actor Ticker {
    private(set) var longestGap: Duration = .zero
    func run() async {
        let clock = ContinuousClock()
        var last = clock.now
        while !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
            let now = clock.now
            longestGap = max(longestGap, now - last - .milliseconds(10))
            last = now
        }
    }
}
