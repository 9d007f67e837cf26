import AsyncHTTPClient
import DroverCore
import DroverEngine
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A real server on a free loopback port, over a project of test hosts and
/// a store of its own, run as `drover serve` runs it (one service group).
final class ServerHarness: Sendable {
    static let playbook = """
        - hosts: all
          gather_facts: false
          tasks:
            - command: echo start {{ release }}
            - shell: "echo sleeping; sleep {{ nap }}"
            - command: echo done
        """

    static func config(concurrency: String = "parallel") -> String {
        """
        templates:
          - name: nap
            playbook: site.yml
            inventory: [inventory]
            extra_vars: {nap: 0}
            overridable: [limit, extra_vars]
            concurrency: \(concurrency)
            survey:
              - {name: release, type: string, required: true, regex: 'v[0-9.]+'}
              - {name: token, type: secret}
        """
    }

    /// The project directory (drover.yml, site.yml, inventory of test hosts).
    let directory: String
    let controller: Controller
    let group: ServiceGroup
    let port: Int
    let running: Swift.Task<Void, any Error>

    let scheme: String

    /// `connector` makes each run's connector; nil: hosts are reached over
    /// SSH as `drover serve` (and `drover run`) reach them, from `inventory`
    /// (the project's file's text, replacing the harness's); `files`: more
    /// files of the project (name: text); `tls`: HTTPS with these files.
    init(_ label: String, hosts: [Int], config: String = ServerHarness.config(), grace: Duration = .seconds(30),
         maxRuns: Int = 8, storeHome: String? = nil, insecureLocal: Bool = true, clock: TestClock? = nil,
         connector: (@Sendable () -> any HostConnector)? = { TestHostConnector() }, inventory: String? = nil, files: [String: String] = [:],
         tls: TLSFiles? = nil, adjust: (inout ServerSettings) -> Void = { _ in }) async throws {
        let project = try PlaybookHarness(label, hosts: hosts)
        directory = project.directory
        try project.write("site.yml", Self.playbook)
        try project.write("drover.yml", config)
        if let inventory { try project.write("inventory", inventory) }
        for (name, text) in files { try project.write(name, text) }
        var settings = ServerSettings(project: project.directory, environment: [:])
        settings.storeHome = try storeHome ?? scratchDirectory(label + "-store")
        settings.host = "127.0.0.1"
        settings.port = 0
        settings.insecureLocal = insecureLocal
        settings.shutdownGrace = grace
        settings.maxRuns = maxRuns
        settings.tls = tls
        scheme = settings.scheme
        adjust(&settings)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        let now: @Sendable () -> Date
        if let clock { now = { clock.now } } else { now = { Date() } }
        let controller = try await Controller.open(settings, logger: logger, connector: connector, script: PlaybookHarness.script,
                                                   clock: now)
        self.controller = controller
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        await controller.recover()
        group = ServiceGroup(configuration: .init(services: controller.services { portContinuation.yield($0) }.map { .init(service: $0) },
                                                  logger: logger))
        let group = self.group
        running = Swift.Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
    }

    var base: String { scheme == "https" ? "https://localhost:\(port)" : "http://127.0.0.1:\(port)" }

    /// The default config plus a template `name` running `playbook` (its
    /// text) on the inventory, reloaded; the templates added before are kept.
    func addTemplate(_ name: String, playbook: String) async throws {
        try write("\(name).yml", playbook)
        let config = (try? String(contentsOfFile: "\(directory)/drover.yml", encoding: .utf8)) ?? ServerHarness.config()
        try write("drover.yml", config + "\n  - name: \(name)\n    playbook: \(name).yml\n    inventory: [inventory]\n")
        let reply = try await request(.POST, "/api/v1/reload")
        guard reply.status == 200 else { throw ServerSetupError("reload answered \(reply.status): \(reply.body)") }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await running.result
    }

    struct Reply: Sendable {
        var status: Int
        var body: String
        var headers: HTTPHeaders = [:]
        var json: Value? { try? Value.parseJSON(body) }
        subscript(key: String) -> Value? {
            if case .dict(let object)? = json { return object[key] }
            return nil
        }
        /// The `error.code` of an error answer.
        var errorCode: String? { self["error"]?.dictValue?["code"]?.stringValue }
    }

    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = [],
                 contentType: String = "application/json") async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes), headers: response.headers)
    }

    func launch(_ body: String = #"{"survey": {"release": "v1.0"}}"#, template: String = "nap") async throws -> Int64 {
        let reply = try await request(.POST, "/api/v1/templates/\(template)/launch", body: body)
        guard reply.status == 201, case .int(let id)? = reply["id"] else {
            throw ServerSetupError("launch answered \(reply.status): \(reply.body)")
        }
        return Int64(id)
    }

    /// One SSE event.
    struct Event: Sendable {
        var id: String?
        var name: String
        var data: Value
    }

    /// Follows a run's event stream to its end; `until` stops early.
    func events(_ run: Int64, lastEventID: String? = nil, headers: [(String, String)] = [],
                until: (@Sendable (Event) -> Bool)? = nil) async throws -> [Event] {
        var request = HTTPClientRequest(url: base + "/api/v1/runs/\(run)/events")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let lastEventID { request.headers.add(name: "Last-Event-ID", value: lastEventID) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        guard response.status == .ok else { throw ServerSetupError("events answered \(response.status)") }
        var events: [Event] = []
        var pending = ""
        for try await buffer in response.body {
            pending += String(buffer: buffer)
            while let end = pending.range(of: "\n\n") {
                let frame = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                var event = Event(id: nil, name: "message", data: .null)
                for line in frame.split(separator: "\n") {
                    if line.hasPrefix("id: ") { event.id = String(line.dropFirst(4)) }
                    if line.hasPrefix("event: ") { event.name = String(line.dropFirst(7)) }
                    if line.hasPrefix("data: ") { event.data = try Value.parseJSON(String(line.dropFirst(6))) }
                }
                events.append(event)
                if let until, until(event) { return events }
            }
        }
        return events
    }

    /// The stored run's status, by the API.
    func status(_ run: Int64) async throws -> String? {
        try await request(.GET, "/api/v1/runs/\(run)")["status"]?.stringValue
    }
}

/// A clock the test moves: sessions, tokens and login throttling read it.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date()

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }
}

/// An `Authorization: Bearer` header.
func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer \(token)")] }
