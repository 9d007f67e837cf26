import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Cancellation")
struct CancellationTests {
    @Test("cancelling a running command ends it promptly and leaves no connection threads")
    func cancelRunning() async throws {
        let clock = ContinuousClock()
        var cancelledAfter: Duration = .zero
        let liveness: ThreadLiveness
        do {
            let ssh = try await SSHConnection.connect(to: TestHosts.target(16))
            liveness = ssh.threadLiveness
            #expect(liveness.isRunning)
            // Cancel once the command really runs (on a loaded machine opening
            // the channel alone can take seconds, and is not interruptible).
            let started = StartedFlag()
            let running = Task {
                try await ssh.exec("echo started; sleep 30") { _, _ in started.set() }
            }
            for _ in 0..<600 where !started.isSet { try await Task.sleep(for: .milliseconds(50)) }
            #expect(started.isSet)
            let start = clock.now
            running.cancel()
            let outcome = await running.result
            cancelledAfter = clock.now - start
            #expect(throws: CancellationError.self) { try outcome.get() }
            // The session is still usable after a cancelled command.
            #expect(try await ssh.exec("echo ok").stdoutText == "ok\n")
        }
        // The command would run 30 s; cancelling takes well under 1 s idle.
        #expect(cancelledAfter < .seconds(2))
        // The connection is gone: its thread must end too.
        for _ in 0..<100 where liveness.isRunning {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(!liveness.isRunning)
    }

    @Test("a task cancelled before connecting does not connect")
    func cancelBeforeConnect() async throws {
        let task = Task {
            try await Task.sleep(for: .milliseconds(50))
            return try await SSHConnection.connect(to: TestHosts.target(16))
        }
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }
}

/// Set from the connection's thread when output arrives.
final class StartedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
