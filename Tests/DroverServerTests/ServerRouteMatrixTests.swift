import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import NIOHTTP1
import Testing

/// docs/server.md's "Routes by role" table, walked over real HTTP: every
/// route of the server, with every kind of caller, against a server whose
/// runs really ran on a test host.
@Suite("Server: the role × route matrix of docs/server.md, over HTTP")
struct ServerRouteMatrixTests {
    static let document = TestHosts.repositoryRoot.appendingPathComponent("docs/server.md")
    static let config = ServerHarness.config().replacingOccurrences(of: "    concurrency: parallel", with: "    concurrency: parallel\n    grants: [olga]")
    static let launch = #"{"survey": {"release": "v1"}}"#

    /// The table: one row per route (`GET /api/v1/runs`), cells by column header.
    struct Row {
        var route: String
        var action: String
        var cells: [String: String]
    }

    static func table() throws -> (columns: [String], rows: [Row]) {
        let lines = try String(contentsOf: document, encoding: .utf8).split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("| route | action |") }) else { return ([], []) }
        func cells(_ line: String) -> [String] {
            line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "") }
        }
        let header = cells(lines[start])
        var rows: [Row] = []
        for line in lines[(start + 2)...] {
            guard line.hasPrefix("|") else { break }
            let values = cells(line)
            rows.append(Row(route: values[0], action: values[1], cells: Dictionary(uniqueKeysWithValues: zip(header, values))))
        }
        return (Array(header.dropFirst(2)), rows)
    }

    /// Who a column's requests act for, and as whom `Authorization.decide` sees them.
    struct Column: Sendable {
        var name: String
        /// The user whose own things (runs, tokens) the `own` requests use.
        var user: String
        var headers: [(String, String)] = []
        var browser: ServerBrowser?
        var role: UserRole?
        var scope: TokenScope?
        var grants: Set<String> = []

        func send(_ server: ServerHarness, _ method: HTTPMethod, _ path: String, body: String?, csrf: Bool = true) async throws -> ServerHarness.Reply {
            guard let browser else { return try await server.request(method, path, body: body, headers: headers) }
            return try await browser.request(method, path, body: body, csrf: csrf ? browser.csrf : nil)
        }
    }

    /// The cell `Authorization.decide` implies for a column and an action
    /// (so the route table cannot drift from the role matrix).
    static func implied(_ action: String, _ column: Column) -> String {
        if action == "public" { return "yes" }
        guard let role = column.role else { return "401" }
        if action == "signed in" { return "yes" }
        guard let kind = ServerAction.Kind(rawValue: action) else { return "unknown action \(action)" }
        func allowed(owner: String) -> Bool {
            let principal = Principal(userID: 1, name: column.user, role: role, scope: column.scope)
            return Authorization.decide(principal: principal, action: ServerAction(kind, owner: owner, template: "nap"), grants: column.grants) == .allowed
        }
        if allowed(owner: "someone-else") { return "yes" }
        return allowed(owner: column.user) ? "own" : "no"
    }

    /// What the setup made: runs, results, tokens to act on.
    struct World: Sendable {
        var run: Int64
        var other: Int64
        var result: Int64
        /// A token of a user no column acts for.
        var bystanderToken: Int64
        /// Per user: a run they launched, a spare token of theirs.
        var ownRun: [String: Int64]
        var spareToken: [String: Int64]
    }

    /// One request of the walk: the target someone else owns, the caller's
    /// own (for `own` cells), and the statuses that mean "allowed".
    struct Target {
        var method: HTTPMethod
        var path: String
        var body: String?
        var own: (path: String, body: String?)?
        var allowed: Set<Int>
    }

    static func target(_ route: String, _ column: Column, _ world: World, index: Int) -> Target? {
        let run = world.run
        switch route {
        case "GET /healthz", "GET /metrics", "GET /api/v1/openapi.json", "GET /api/v1/me", "GET /api/v1/templates", "GET /api/v1/runs",
             "GET /api/v1/hosts", "GET /api/v1/audit", "GET /api/v1/users":
            return Target(method: .GET, path: String(route.dropFirst(4)), allowed: [200])
        case "POST /api/v1/login":
            return Target(method: .POST, path: "/api/v1/login", body: #"{"user": "\#(column.user)", "password": "\#(ServerBrowser.password)"}"#,
                          allowed: [200])
        case "POST /api/v1/logout": return Target(method: .POST, path: "/api/v1/logout", allowed: [204])
        case "POST /api/v1/reload": return Target(method: .POST, path: "/api/v1/reload", allowed: [200])
        case "GET /api/v1/templates/{name}": return Target(method: .GET, path: "/api/v1/templates/nap", allowed: [200])
        case "POST /api/v1/templates/{name}/launch":
            return Target(method: .POST, path: "/api/v1/templates/nap/launch", body: launch, allowed: [201])
        case "GET /api/v1/runs/{id}": return Target(method: .GET, path: "/api/v1/runs/\(run)", allowed: [200])
        case "GET /api/v1/runs/{id}/events": return Target(method: .GET, path: "/api/v1/runs/\(run)/events", allowed: [200])
        case "GET /api/v1/runs/{id}/results": return Target(method: .GET, path: "/api/v1/runs/\(run)/results", allowed: [200])
        case "GET /api/v1/runs/{id}/results/{rid}/output":
            return Target(method: .GET, path: "/api/v1/runs/\(run)/results/\(world.result)/output", allowed: [200])
        case "GET /api/v1/runs/{id}/junit": return Target(method: .GET, path: "/api/v1/runs/\(run)/junit", allowed: [200])
        case "GET /api/v1/runs/{id}/diff/{other}": return Target(method: .GET, path: "/api/v1/runs/\(run)/diff/\(world.other)", allowed: [200])
        case "POST /api/v1/runs/{id}/cancel":
            // Finished runs: 409 once allowed, and nothing is stopped.
            let own = world.ownRun[column.user].map { (path: "/api/v1/runs/\($0)/cancel", body: String?.none) }
            return Target(method: .POST, path: "/api/v1/runs/\(run)/cancel", own: own, allowed: [409])
        case "POST /api/v1/runs/{id}/rollback":
            return Target(method: .POST, path: "/api/v1/runs/\(run)/rollback", body: "{}", allowed: [201])
        case "POST /api/v1/runs/{id}/relaunch": return Target(method: .POST, path: "/api/v1/runs/\(run)/relaunch", allowed: [201])
        case "GET /api/v1/hosts/{name}": return Target(method: .GET, path: "/api/v1/hosts/h14", allowed: [200])
        case "GET /api/v1/hosts/{name}/runs": return Target(method: .GET, path: "/api/v1/hosts/h14/runs", allowed: [200])
        case "POST /api/v1/users":
            let body = #"{"name": "made-\#(index)", "password": "\#(ServerBrowser.password)", "role": "auditor"}"#
            return Target(method: .POST, path: "/api/v1/users", body: body, allowed: [201])
        case "PATCH /api/v1/users/{name}":
            return Target(method: .PATCH, path: "/api/v1/users/patchme", body: #"{"role": "auditor"}"#, allowed: [200])
        case "GET /api/v1/tokens":
            return Target(method: .GET, path: "/api/v1/tokens?user=bystander", own: ("/api/v1/tokens", nil), allowed: [200])
        case "POST /api/v1/tokens":
            return Target(method: .POST, path: "/api/v1/tokens", body: #"{"user": "bystander"}"#, own: ("/api/v1/tokens", "{}"), allowed: [201])
        case "DELETE /api/v1/tokens/{id}":
            let own = world.spareToken[column.user].map { (path: "/api/v1/tokens/\($0)", body: String?.none) }
            return Target(method: .DELETE, path: "/api/v1/tokens/\(world.bystanderToken)", own: own, allowed: [200])
        default:
            return nil
        }
    }

    @Test("every route × every caller answers what the table says; the table agrees with the role matrix and the OpenAPI document")
    func matrix() async throws {
        let server = try await ServerHarness("server-matrix", hosts: [14], config: Self.config, insecureLocal: false)
        defer { Swift.Task { await server.stop() } }
        let store = server.controller.store
        let users: [(String, UserRole)] = [("ada", .admin), ("eddie", .editor), ("olga", .operator), ("oscar", .operator),
                                           ("april", .approver), ("audrey", .auditor), ("bystander", .auditor), ("patchme", .editor)]
        var tokens: [String: String] = [:]
        var spares: [String: Int64] = [:]
        for (name, role) in users {
            _ = try await store.addUser(name: name, password: ServerBrowser.password, role: role, cost: 4)
            tokens[name] = try await store.createToken(user: name, scope: .admin, expiresAt: nil).secret
            spares[name] = try await store.createToken(user: name, scope: .read, expiresAt: nil).token.id
        }
        func launched(_ reply: ServerHarness.Reply) throws -> Int64 {
            guard reply.status == 201, case .int(let id)? = reply["id"] else { throw BrowserError("launch answered \(reply.status): \(reply.body)") }
            return Int64(id)
        }
        // Runs that really ran, one after the other (they share the host): two of ada's, one of olga's, one of oscar's (granted for a while).
        let ada = bearer(tokens["ada"]!)
        var finished: [Int64] = []
        for token in ["ada", "ada", "olga"] {
            let id = try launched(try await server.request(.POST, "/api/v1/templates/nap/launch", body: Self.launch, headers: bearer(tokens[token]!)))
            _ = try await server.events(id, headers: ada)
            finished.append(id)
        }
        try server.write("drover.yml", Self.config.replacingOccurrences(of: "grants: [olga]", with: "grants: [olga, oscar]"))
        #expect(try await server.request(.POST, "/api/v1/reload", headers: ada).status == 200)
        let oscarRun = try launched(try await server.request(.POST, "/api/v1/templates/nap/launch", body: Self.launch, headers: bearer(tokens["oscar"]!)))
        _ = try await server.events(oscarRun, headers: ada)
        try server.write("drover.yml", Self.config)
        #expect(try await server.request(.POST, "/api/v1/reload", headers: ada).status == 200)
        #expect(try await store.run(finished[0]).status == .succeeded)
        let world = World(run: finished[0], other: finished[1], result: try #require(try await store.results(finished[0]).first?.id),
                          bystanderToken: try await store.createToken(user: "bystander", scope: .read, expiresAt: nil).token.id,
                          ownRun: ["olga": finished[2], "oscar": oscarRun], spareToken: spares)

        let readToken = try await store.createToken(user: "ada", scope: .read, expiresAt: nil).secret
        let launchToken = try await store.createToken(user: "ada", scope: .launch, expiresAt: nil).secret
        let columns: [Column] = [
            Column(name: "none", user: "bystander"),
            Column(name: "admin", user: "ada", headers: ada, role: .admin, scope: .admin),
            Column(name: "editor", user: "eddie", headers: bearer(tokens["eddie"]!), role: .editor, scope: .admin),
            Column(name: "operator (granted)", user: "olga", headers: bearer(tokens["olga"]!), role: .operator, scope: .admin, grants: ["nap"]),
            Column(name: "operator", user: "oscar", headers: bearer(tokens["oscar"]!), role: .operator, scope: .admin),
            Column(name: "approver", user: "april", headers: bearer(tokens["april"]!), role: .approver, scope: .admin),
            Column(name: "auditor", user: "audrey", headers: bearer(tokens["audrey"]!), role: .auditor, scope: .admin),
            Column(name: "read token", user: "ada", headers: bearer(readToken), role: .admin, scope: .read),
            Column(name: "launch token", user: "ada", headers: bearer(launchToken), role: .admin, scope: .launch),
            Column(name: "session", user: "ada", browser: try await ServerBrowser.login(server, "ada"), role: .admin),
        ]

        let (headers, rows) = try Self.table()
        #expect(headers == columns.map(\.name), "the table's columns: \(headers)")
        let routes = Set(server.controller.router().routes.map { "\($0.method.rawValue) \($0.path)" })
        let documentedRoutes = Set(rows.map(\.route))
        #expect(documentedRoutes == routes,
                "rows without a route: \(documentedRoutes.subtracting(routes)); routes without a row: \(routes.subtracting(documentedRoutes))")
        let openAPI = try #require(try await server.request(.GET, "/api/v1/openapi.json")["paths"]?.dictValue)

        // Logout ends the session column's session: it goes last.
        let ordered = rows.filter { $0.route != "POST /api/v1/logout" } + rows.filter { $0.route == "POST /api/v1/logout" }
        var checked = 0
        for row in ordered {
            let split = row.route.split(separator: " ", maxSplits: 1).map(String.init)
            let documented = Set(openAPI[split[1]]?.dictValue?[split[0].lowercased()]?.dictValue?["responses"]?.dictValue?.keys
                .compactMap { Int($0) } ?? [])
            for (index, column) in columns.enumerated() {
                let cell = row.cells[column.name] ?? "missing"
                #expect(cell == Self.implied(row.action, column), "\(row.route) × \(column.name): the table says \(cell)")
                guard let target = Self.target(row.route, column, world, index: index) else {
                    Issue.record("\(row.route) has no request in this test: add one to `target`")
                    break
                }
                if column.browser != nil, target.method != .GET, row.action != "public" {
                    let refused = try await column.send(server, target.method, target.path, body: target.body, csrf: false)
                    #expect(refused.status == 403 && refused.errorCode == "csrf" && documented.contains(403),
                            "\(row.route) by a session without its CSRF token: \(refused.status)")
                }
                let reply = try await column.send(server, target.method, target.path, body: target.body)
                let seen = "\(row.route) × \(column.name) (\(cell)) answered \(reply.status): \(reply.body.prefix(160))"
                #expect(documented.contains(reply.status), "undocumented status: \(seen)")
                switch cell {
                case "yes": #expect(target.allowed.contains(reply.status), "\(seen)")
                case "401": #expect(reply.status == 401 && reply.errorCode == "unauthenticated", "\(seen)")
                case "no", "own": #expect(reply.status == 403 && reply.errorCode == "forbidden", "\(seen)")
                default: Issue.record("unknown cell: \(seen)")
                }
                if cell == "own" {
                    let own = try #require(target.own, "\(row.route) has no request on the caller's own things")
                    let mine = try await column.send(server, target.method, own.path, body: own.body)
                    #expect(target.allowed.contains(mine.status), "\(row.route) × \(column.name) on their own: \(mine.status) \(mine.body.prefix(160))")
                }
                checked += 1
            }
        }
        #expect(checked == rows.count * columns.count && checked >= 300)
    }
}
