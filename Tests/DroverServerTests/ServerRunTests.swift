import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import OrderedCollections
import Testing

@Suite("Server: launch, follow, cancel over real HTTP against test hosts")
struct ServerRunTests {
    @Test("two runs at once: the one that ends first leaves the other's SSH connections alone")
    func concurrentRunsKeepTheirConnections() async throws {
        let server = try await ServerHarness("server-two-runs", hosts: [15, 16])
        defer { Swift.Task { await server.stop() } }
        let long = try await server.launch(#"{"survey": {"release": "v1.0"}, "limit": "h16", "extra_vars": {"nap": 3}}"#)
        try await Swift.Task.sleep(for: .milliseconds(800))  // the long run is in its sleep
        let short = try await server.launch(#"{"survey": {"release": "v1.0"}, "limit": "h15"}"#)
        #expect(try await server.events(short).last?.data.dictValue?["status"] == .string("succeeded"))
        let events = try await server.events(long)
        let failures = events.filter { $0.name == "host_result" && $0.data.dictValue?["status"] != .string("ok") && $0.data.dictValue?["status"] != .string("changed") }
        #expect(events.last?.data.dictValue?["status"] == .string("succeeded"), "\(failures.map { "\($0.data)" })")
    }

    @Test("launch → follow SSE to completion → the stored run matches the events; secrets never stored")
    func launchAndFollow() async throws {
        let server = try await ServerHarness("server-launch", hosts: [1, 2, 3])
        defer { Swift.Task { await server.stop() } }
        let id = try await server.launch(#"{"survey": {"release": "v1.0", "token": "s3cret-value"}, "extra_vars": {"nap": 0}}"#)
        let events = try await server.events(id)
        let finished = try #require(events.last)
        #expect(finished.name == "run_finished")
        #expect(finished.data.dictValue?["status"] == .string("succeeded"))
        let results = events.filter { $0.name == "host_result" }
        #expect(results.count == 9, "3 tasks on 3 hosts")

        let stored = try await server.controller.store.results(id)
        #expect(stored.count == results.count)
        let streamed = Set(results.compactMap { event -> String? in
            guard let data = event.data.dictValue else { return nil }
            return "\(data["host"]?.text ?? "")|\(data["task_id"]?.text ?? "")|\(data["status"]?.text ?? "")"
        })
        let recorded = Set(stored.map { "\($0.host)|\($0.taskID?.description ?? "")|\($0.status.rawValue)" })
        #expect(streamed == recorded)

        let run = try await server.request(.GET, "/api/v1/runs/\(id)")
        #expect(run["status"] == .string("succeeded"))
        #expect(run["template"] == .string("nap"))
        #expect(run["hosts"] == .int(3))
        #expect(run["extra_vars"]?.dictValue?["token"] == .string("********"))
        #expect(!run.body.contains("s3cret-value"))
        let row = try await server.controller.store.run(id)
        #expect(!row.extraVars.contains("s3cret-value"))

        // A finished run replays: the same events again, from the start or after a given one.
        let replayed = try await server.events(id)
        #expect(replayed.map(\.name) == events.map(\.name))
        let resumed = try await server.events(id, lastEventID: events[events.count - 3].id)
        #expect(resumed.count == 2)

        let page = try await server.request(.GET, "/api/v1/runs/\(id)/results?host=h2&limit=2")
        let items = page["items"]?.listValue ?? []
        #expect(items.count == 2)
        let next = try #require(page["next_cursor"]?.stringValue)
        let rest = try await server.request(.GET, "/api/v1/runs/\(id)/results?host=h2&limit=2&cursor=\(next)")
        #expect(rest["items"]?.listValue?.count == 1)
        #expect(rest["next_cursor"] == .null)
        let output = try #require(items.first?.dictValue?["output_url"]?.stringValue)
        let whole = try await server.request(.GET, output)
        #expect(whole.body == "start v1.0")  // stdout as Ansible keeps it: trailing newline stripped
        let part = try await server.request(.GET, output, headers: [("Range", "bytes=6-9")])
        #expect(part.status == 206)
        #expect(part.body == "v1.0")
        #expect(try await server.request(.GET, output, headers: [("Range", "bytes=99-")]).status == 416)
        let junit = try await server.request(.GET, "/api/v1/runs/\(id)/junit")
        #expect(junit.body.contains("<testsuites"))

        let list = try await server.request(.GET, "/api/v1/runs?template=nap&status=succeeded")
        #expect(list["items"]?.listValue?.count == 1)
        let metrics = try await server.request(.GET, "/metrics")
        #expect(metrics.body.contains(#"drover_runs{status="succeeded"} 1"#))
        #expect(metrics.body.contains("drover_http_request_duration_seconds"))
    }

    @Test("cancel mid-run: the run ends cancelled within seconds, and says so in its events and the store")
    func cancelMidRun() async throws {
        let server = try await ServerHarness("server-cancel", hosts: [4, 5])
        defer { Swift.Task { await server.stop() } }
        let id = try await server.launch(#"{"survey": {"release": "v2.0"}, "extra_vars": {"nap": 60}}"#)
        let sleeping = try await server.events(id) { event in
            event.name == "output" && (event.data.dictValue?["text"]?.stringValue?.contains("sleeping") ?? false)
        }
        #expect(sleeping.last?.name == "output")
        let clock = ContinuousClock()
        let start = clock.now
        let cancel = try await server.request(.POST, "/api/v1/runs/\(id)/cancel")
        #expect(cancel.status == 202)
        let rest = try await server.events(id, lastEventID: sleeping.last?.id)
        #expect(rest.last?.name == "run_finished")
        #expect(rest.last?.data.dictValue?["status"] == .string("cancelled"))
        #expect(clock.now - start < .seconds(20))
        #expect(try await server.status(id) == "cancelled")
        let again = try await server.request(.POST, "/api/v1/runs/\(id)/cancel")
        #expect(again.status == 409)
    }

    @Test("a `queue` template runs one at a time: the second launch waits queued, recorded so, then runs")
    func queuedLaunch() async throws {
        let server = try await ServerHarness("server-queue", hosts: [6], config: ServerHarness.config(concurrency: "queue"))
        defer { Swift.Task { await server.stop() } }
        let first = try await server.launch(#"{"survey": {"release": "v1"}, "extra_vars": {"nap": 2}}"#)
        let reply = try await server.request(.POST, "/api/v1/templates/nap/launch", body: #"{"survey": {"release": "v2"}}"#)
        #expect(reply.status == 201)
        #expect(reply["status"] == .string("queued"))
        let second = Int64(reply["id"]?.text ?? "") ?? 0
        #expect(try await server.controller.store.run(second).status == .queued)
        let events = try await server.events(second)
        #expect(events.last?.data.dictValue?["status"] == .string("succeeded"))
        #expect(try await server.status(first) == "succeeded")
    }
}

extension Value {
    var dictValue: OrderedDictionaryOfTestValues? {
        if case .dict(let object) = self { return object }
        return nil
    }

    var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }
}

typealias OrderedDictionaryOfTestValues = OrderedDictionary<String, Value>
