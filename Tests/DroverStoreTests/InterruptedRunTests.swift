import DroverStore
import DroverTestSupport
import Foundation
import GRDB
import Testing

/// A controller killed in the middle of a run leaves a consistent database,
/// and its run is marked `interrupted` when drover next starts.
@Suite("A killed controller")
struct InterruptedRunTests {
    static var drover: String { droverExecutable }

    @Test("SIGKILL mid-run: the database passes integrity_check and the run becomes interrupted")
    func killedMidRun() async throws {
        let home = try scratchDirectory("killed-home")
        let dir = try scratchDirectory("killed")
        try """
            - hosts: h19:h20
              gather_facts: false
              tasks:
                - command: "true"
                - shell: echo started; sleep 300
            """.write(toFile: "\(dir)/site.yml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.drover)
        process.arguments = ["run", "\(dir)/site.yml", "-i", TestHosts.path("inventory")]
        var environment = ProcessInfo.processInfo.environment
        environment["DROVER_HOME"] = home
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the first task's results are in the store, then kill.
        let store = try Store(home: home)
        // Generous: on 2 cores under the whole suite, connecting can take a while.
        let deadline = Date().addingTimeInterval(180)
        while Date() < deadline {
            if let run = try await store.runs(RunFilter()).first, try await !store.results(run.id).isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()

        let queue = try DatabaseQueue(path: "\(home)/drover.sqlite")
        let check = try await queue.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
        #expect(try await store.runs(RunFilter()).first?.status == .running)
        // The next drover command marks it.
        let listed = try await DroverTestSupport.run(Self.drover, ["runs"], environment: environment)
        #expect(listed.output.contains("interrupted"), "\(listed.output)")
        let interrupted = try #require(try await store.runs(RunFilter()).first)
        #expect(interrupted.status == .interrupted)
        // What was committed before the kill is still there.
        #expect(try await store.results(interrupted.id).count >= 1)
    }
}
