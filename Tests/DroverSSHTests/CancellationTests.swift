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
            let running = Task { try await ssh.exec("sleep 30") }
            try await Task.sleep(for: .milliseconds(300))
            let start = clock.now
            running.cancel()
            let outcome = await running.result
            cancelledAfter = clock.now - start
            #expect(throws: CancellationError.self) { try outcome.get() }
            // The session is still usable after a cancelled command.
            #expect(try await ssh.exec("echo ok").stdoutText == "ok\n")
        }
        // 1 s when the machine is idle; the margin covers the whole suite running on 2 cores.
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
