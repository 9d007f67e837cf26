import AsyncHTTPClient
import DroverCore
import DroverStore
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@Suite("Server: hostile requests generated from the OpenAPI document get a 4xx and change nothing")
struct ServerHostileInputTests {
    @Test("every parameter of every route, with traversal, NUL, long, mistyped and forged values; bodies malformed or oversized")
    func hostileRequests() async throws {
        let server = try await ServerHarness("server-hostile", hosts: [14], insecureLocal: false)
        defer { Swift.Task { await server.stop() } }
        let store = server.controller.store
        _ = try await store.addUser(name: "fuzz", password: "fuzz-password", role: .admin, cost: 4)
        let authorization = ("Authorization", "Bearer " + (try await store.createToken(user: "fuzz", scope: .admin, expiresAt: nil).secret))

        // A finished run, a result of it and its host: the valid values each request starts from.
        let launched = try await server.request(.POST, "/api/v1/templates/nap/launch", body: #"{"survey": {"release": "v1.0"}}"#,
                                                headers: [authorization])
        let run = try #require(launched["id"]?.intValue, "launch answered \(launched.status): \(launched.body)")
        let events = try await server.events(Int64(run), headers: [authorization])
        #expect(events.last?.data["status"] == .string("succeeded"), "\(events.last.map { "\($0.data)" } ?? "no events")")
        let results = try await server.request(.GET, "/api/v1/runs/\(run)/results", headers: [authorization])
        let result = try #require(results["items"]?.listValue?.first?["result_id"]?.intValue)
        let template = try await server.request(.GET, "/api/v1/templates/nap", headers: [authorization])
        // A user and a token of someone else's to change and revoke.
        _ = try await store.addUser(name: "patchme", password: "patchme-password", role: .editor, cost: 4)
        let token = try await store.createToken(user: "patchme", scope: .read, expiresAt: nil).token.id

        let generator = HostileRequests(
            pathValue: { route, parameter in
                switch (parameter, route) {
                case ("rid", _): return String(result)
                case ("name", _) where route.hasPrefix("/api/v1/hosts"): return "h14"
                case ("name", _) where route.hasPrefix("/api/v1/users"): return "patchme"
                case ("name", _): return "nap"
                case ("id", _) where route.hasPrefix("/api/v1/tokens"): return String(token)
                default: return String(run)
                }
            },
            baseBody: { route in
                switch route {
                case let launch where launch.hasSuffix("/launch"): return ["survey": .dict(["release": .string("v1.0")])]
                case "/api/v1/login": return ["user": .string("fuzz"), "password": .string("fuzz-password")]
                case "/api/v1/users": return ["name": .string("fuzz-made"), "password": .string("fuzz-password"), "role": .string("auditor")]
                case "/api/v1/tokens": return ["user": .string("fuzz"), "scope": .string("read"), "expires": .string("1d")]
                default: return [:]
                }
            },
            surveyFields: template["survey"]?.listValue?.compactMap(\.dictValue) ?? [],
            authorization: authorization)
        let document = try await server.request(.GET, "/api/v1/openapi.json").json ?? .null
        let requests = generator.all(from: document)
        #expect(requests.count >= 1000, "only \(requests.count) requests generated")

        let before = try await StoreSnapshot(store, project: server.directory)
        let failures = await Self.send(requests, to: server.base)
        let after = try await StoreSnapshot(store, project: server.directory)

        let listed = failures.prefix(60).joined(separator: "\n")
        #expect(failures.isEmpty, "\(failures.count) of \(requests.count) requests were not refused with a 4xx error:\n\(listed)")
        #expect(before == after, "the store or the project changed:\nbefore \(before)\nafter  \(after)")
    }

    /// Sends every request, 8 at a time; returns one line per request that
    /// did not get a 4xx with the `{error: {code, message}}` body in time.
    static func send(_ requests: [HostileRequest], to base: String) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            var failures: [String] = []
            var next = 0
            func addNext() {
                guard next < requests.count else { return }
                let request = requests[next]
                next += 1
                group.addTask { await check(request, base: base) }
            }
            for _ in 0..<8 { addNext() }
            for await failure in group {
                if let failure { failures.append(failure) }
                addNext()
            }
            return failures.sorted()
        }
    }

    static func check(_ hostile: HostileRequest, base: String) async -> String? {
        var request = HTTPClientRequest(url: base + hostile.target)
        request.method = hostile.method
        for (name, value) in hostile.headers { request.headers.add(name: name, value: value) }
        if let body = hostile.body {
            request.headers.add(name: "Content-Type", value: "application/json")
            if hostile.chunked {
                let (chunks, writer) = AsyncStream.makeStream(of: ByteBuffer.self)
                for start in stride(from: 0, to: body.count, by: 16_384) { writer.yield(ByteBuffer(bytes: body[start..<min(start + 16_384, body.count)])) }
                writer.finish()
                request.body = .stream(chunks, length: .unknown)
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        let response: HTTPClientResponse, text: String
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
            text = String(buffer: try await response.body.collect(upTo: 1 << 20))
        } catch {
            return "\(hostile.what): no answer (\(error))"
        }
        let status = Int(response.status.code)
        let error = (try? Value.parseJSON(text))?["error"]
        guard (400..<500).contains(status), error?["code"]?.stringValue?.isEmpty == false,
              error?["message"]?.stringValue?.isEmpty == false else {
            return "\(hostile.what): \(status) \(text.prefix(160))"
        }
        return nil
    }
}

/// What a refused request must leave as it was: the runs, results, audit
/// log, users, tokens, sessions and leases in the store, and every file of
/// the project and the store home but SQLite's own (whose bytes the
/// controller's heartbeat changes). Refused logins are the exception: the
/// audit log records those of names a user can have (`login.failure`), as
/// it must; a hostile name never becomes an entry's actor, and the chain
/// must still verify.
struct StoreSnapshot: Equatable, CustomStringConvertible {
    var runs: [RunStatus: Int]
    var results: Int
    var audit: [String]
    var auditIntact: Bool
    var users: [String]
    var tokens: [String]
    var sessions: Int
    var leases: Int
    var queued: Int
    var files: [String: Data]

    init(_ store: Store, project: String) async throws {
        runs = try await store.runCountsByStatus()
        var results = 0
        var page = RunPageQuery()
        page.limit = 10_000
        for run in try await store.runPage(page) { results += try await store.results(run.id).count }
        self.results = results
        var audit: [String] = []
        var cursor: Int64?
        repeat {
            let page = try await store.auditEntries(before: cursor, limit: 1000)
            let recordedLogin = { (entry: AuditEntry) in
                entry.action == AuditAction.loginFailure && (try? Credentials.checkUserName(entry.actor)) != nil
            }
            audit += page.entries.filter { !recordedLogin($0) }.map { "\($0.id) \($0.action) \($0.actor)" }
            cursor = page.nextCursor
        } while cursor != nil
        self.audit = audit
        if case .intact = try await store.verifyAuditChain() { auditIntact = true } else { auditIntact = false }
        let accounts = try await store.users()
        users = accounts.map { "\($0.name) \($0.role) disabled=\($0.disabled)" }
        sessions = 0
        for account in accounts { sessions += try await store.sessionCount(user: account.name) }
        tokens = try await store.tokens().map { "\($0.id) \($0.user) \($0.scope) revoked=\($0.revokedAt != nil)" }
        leases = try await store.hostLeases().count
        queued = try await store.queuedLaunches().count
        files = [:]
        for directory in [project, store.home] {
            let enumerator = FileManager.default.enumerator(atPath: directory)
            while let path = enumerator?.nextObject() as? String {
                let full = directory + "/" + path
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !path.contains("drover.sqlite") else { continue }
                files[full] = isDirectory.boolValue ? Data() : FileManager.default.contents(atPath: full)
            }
        }
    }

    var description: String {
        "runs \(runs), results \(results), audit \(audit) intact=\(auditIntact), users \(users), tokens \(tokens), sessions \(sessions), leases \(leases), queued \(queued), "
            + "files \(files.keys.sorted())"
    }
}
