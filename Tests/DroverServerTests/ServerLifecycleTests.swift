import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

@Suite("Server: config reload and graceful shutdown")
struct ServerLifecycleTests {
    @Test("a reload with an error keeps the old config and answers the error; a good one swaps it")
    func reload() async throws {
        let server = try await ServerHarness("server-reload", hosts: [10])
        defer { Swift.Task { await server.stop() } }
        try server.write("drover.yml", ServerHarness.config().replacingOccurrences(of: "concurrency:", with: "concurrancy:"))
        let refused = try await server.request(.POST, "/api/v1/reload")
        #expect(refused.status == 422)
        let message = refused["error"]?.dictValue?["message"]?.stringValue ?? ""
        #expect(message.contains("drover.yml:7:5"), "\(message)")
        #expect(message.contains("did you mean `concurrency`?"))
        #expect(try await server.request(.GET, "/api/v1/templates/nap").status == 200)
        #expect(try await server.launch(#"{"survey": {"release": "v1"}}"#) > 0, "the old config still launches")

        try server.write("drover.yml", ServerHarness.config() + """

              - name: second
                playbook: site.yml
                inventory: [inventory]
                extra_vars: {nap: 0, release: v0}
            """)
        let accepted = try await server.request(.POST, "/api/v1/reload")
        #expect(accepted.status == 200)
        #expect(accepted["added"] == .list([.string("second")]))
        #expect(try await server.request(.GET, "/api/v1/templates/second").status == 200)
        // Only the reload that took is in the audit log, with what it changed.
        let reloads = try await server.controller.store.auditEntries(limit: 50).entries.filter { $0.action == AuditAction.configReload }
        #expect(reloads.count == 1 && reloads.first?.actor == "local" && reloads.first?.details.contains("second") == true,
                "\(reloads.map(\.details))")
    }

    @Test("graceful shutdown: a run that ends within the grace period succeeds; one that does not is cancelled and recorded so")
    func gracefulShutdown() async throws {
        let patient = try await ServerHarness("server-drain", hosts: [11], grace: .seconds(30))
        let short = try await patient.launch(#"{"survey": {"release": "v1"}, "extra_vars": {"nap": 2}}"#)
        _ = try await patient.events(short) { $0.name == "output" }
        await patient.stop()
        #expect(try await patient.controller.store.run(short).status == .succeeded)

        let hurried = try await ServerHarness("server-drain-cancel", hosts: [12], grace: .seconds(1))
        let long = try await hurried.launch(#"{"survey": {"release": "v1"}, "extra_vars": {"nap": 60}}"#)
        _ = try await hurried.events(long) { $0.name == "output" && ($0.data.dictValue?["text"]?.stringValue?.contains("sleeping") ?? false) }
        let clock = ContinuousClock()
        let start = clock.now
        await hurried.stop()
        #expect(clock.now - start < .seconds(20))
        #expect(try await hurried.controller.store.run(long).status == .cancelled)
    }

    @Test("a run still queued when the server stops is started again by the next server on the same store")
    func queuedSurvivesRestart() async throws {
        let home = try scratchDirectory("server-restart-store")
        let first = try await ServerHarness("server-restart", hosts: [13], config: ServerHarness.config(concurrency: "queue"),
                                            grace: .seconds(30), storeHome: home)
        let running = try await first.launch(#"{"survey": {"release": "v1"}, "extra_vars": {"nap": 1}}"#)
        let queued = try await first.launch(#"{"survey": {"release": "v2"}}"#)
        #expect(try await first.status(queued) == "queued")
        _ = try await first.events(running) { $0.name == "output" }
        await first.stop()
        #expect(try await first.controller.store.run(running).status == .succeeded)
        #expect(try await first.controller.store.run(queued).status == .queued)

        let second = try await ServerHarness("server-restart-2", hosts: [13], config: ServerHarness.config(concurrency: "queue"),
                                             storeHome: home)
        defer { Swift.Task { await second.stop() } }
        let events = try await second.events(queued)
        #expect(events.last?.data.dictValue?["status"] == .string("succeeded"))
    }
}
