import DroverSSH
import Foundation
import Testing

@Suite("Cancellation")
struct CancellationTests {
    @Test("cancelling a running command ends it promptly and leaves no connection threads")
    func cancelRunning() async throws {
        let name = "cancel-\(UInt16.random(in: 100...999))"  // thread "ssh cancel-NNN"
        let clock = ContinuousClock()
        var cancelledAfter: Duration = .zero
        do {
            let ssh = try await SSHConnection.connect(to: TestHosts.target(16, name: name))
            #expect(threadNames().filter { $0 == "ssh \(name)" }.count == 1)
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
        #expect(cancelledAfter < .seconds(1))
        // The connection is gone: its thread must end too.
        var remaining = -1
        for _ in 0..<100 {
            remaining = threadNames().filter { $0 == "ssh \(name)" }.count
            if remaining == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(remaining == 0)
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
