import DroverCore
import OrderedCollections

/// The OpenAPI 3.1 description of the API, served at
/// /api/v1/openapi.json. A test checks that every registered route is in
/// it, so a route cannot be added without being documented; another walks
/// it to send every parameter of every route hostile values, and
/// `UndeclaredQueryMiddleware` refuses query parameters it does not declare.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var query: [APIParameter] = []
        var headers: [APIParameter] = []
        var body: RequestBody? = nil
        var responses: [Int]
        var produces = "application/json"
        /// Open to anyone: no credentials needed (/healthz, this document, the login).
        var isPublic = false
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", summary: "Liveness", responses: [200, 400], isPublic: true),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics", responses: [200, 400, 401], produces: "text/plain"),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document", responses: [200, 400], isPublic: true),
        Operation(method: "post", path: "/api/v1/login",
                  summary: "Sign in with {user, password} (JSON or a form): sets the session cookie, answers {name, role, csrf_token, expires_at}",
                  body: .login, responses: [200, 400, 401, 403, 413, 422, 429], isPublic: true),
        Operation(method: "post", path: "/api/v1/logout", summary: "End the caller's session and clear its cookie", body: .empty,
                  responses: [204, 400, 401, 403, 413]),
        Operation(method: "get", path: "/api/v1/me", summary: "Who the request acts for (a session's answer has its csrf_token)",
                  responses: [200, 400, 401]),
        Operation(method: "get", path: "/api/v1/users", summary: "Users, by name (keyset pages); admins only", query: [.nameCursor, .limit],
                  responses: [200, 400, 401, 403]),
        Operation(method: "post", path: "/api/v1/users", summary: "Add a user: {name, password, role}", body: .newUser,
                  responses: [201, 400, 401, 403, 409, 413, 422]),
        Operation(method: "patch", path: "/api/v1/users/{name}", summary: "Change a user's {role, disabled, password}", body: .userChange,
                  responses: [200, 400, 401, 403, 404, 409, 413, 422]),
        Operation(method: "get", path: "/api/v1/tokens", summary: "API tokens (never their text), oldest first: the caller's, or user's",
                  query: [.name("user"), .cursor, .limit], responses: [200, 400, 401, 403]),
        Operation(method: "post", path: "/api/v1/tokens", summary: "Create an API token {user, scope, expires}: its text is in this answer only",
                  body: .newToken, responses: [201, 400, 401, 403, 404, 413, 422]),
        Operation(method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke an API token", responses: [200, 400, 401, 403, 404]),
        Operation(method: "post", path: "/api/v1/reload", summary: "Re-read drover.yml; an error keeps the config in force",
                  body: .empty, responses: [200, 400, 401, 403, 413, 422]),
        Operation(method: "get", path: "/api/v1/templates", summary: "Job templates, by name", query: [.nameCursor, .limit],
                  responses: [200, 400, 401]),
        Operation(method: "get", path: "/api/v1/templates/{name}", summary: "One job template", responses: [200, 400, 401, 404]),
        Operation(method: "post", path: "/api/v1/templates/{name}/launch",
                  summary: "Launch a run: {limit, extra_vars, tags, skip_tags, check, diff, survey}", body: .launch,
                  responses: [201, 400, 401, 403, 404, 409, 413, 422, 503]),
        Operation(method: "get", path: "/api/v1/runs", summary: "Runs, newest first (keyset pages)",
                  query: [.runStatus, .name("template"), .name("host"), .time("since"), .time("until"), .cursor, .limit],
                  responses: [200, 400, 401]),
        Operation(method: "get", path: "/api/v1/runs/{id}", summary: "One run with per-host stats", responses: [200, 400, 401, 404]),
        Operation(method: "get", path: "/api/v1/runs/{id}/events",
                  summary: "Server-Sent Events of the run, from the start or Last-Event-ID, ending with run_finished",
                  headers: [.lastEventID], responses: [200, 400, 401, 404], produces: "text/event-stream"),
        Operation(method: "get", path: "/api/v1/runs/{id}/results", summary: "A run's results in arrival order (keyset pages)",
                  query: [.name("host"), .taskStatus, .cursor, .limit], responses: [200, 400, 401, 404]),
        Operation(method: "get", path: "/api/v1/runs/{id}/results/{rid}/output", summary: "Raw stdout or stderr bytes; Range supported",
                  query: [.stream], headers: [.range], responses: [200, 206, 400, 401, 404, 416], produces: "application/octet-stream"),
        Operation(method: "get", path: "/api/v1/runs/{id}/junit", summary: "The run as JUnit XML", responses: [200, 400, 401, 404],
                  produces: "application/xml"),
        Operation(method: "post", path: "/api/v1/runs/{id}/cancel", summary: "Cancel a running or queued run", body: .empty,
                  responses: [202, 400, 401, 403, 404, 409, 413]),
        Operation(method: "get", path: "/api/v1/runs/{id}/diff/{other}", summary: "What changed from run id to run other (drover diff -v's report)",
                  responses: [200, 400, 401, 404]),
        Operation(method: "post", path: "/api/v1/runs/{id}/rollback", summary: "Undo a run a template launched, as a run of its own",
                  body: .rollback, responses: [201, 400, 401, 403, 404, 409, 413, 422, 503]),
        Operation(method: "post", path: "/api/v1/runs/{id}/relaunch", summary: "The run's template again with its launch parameters, as the caller",
                  body: .empty, responses: [201, 400, 401, 403, 404, 409, 413, 422, 503]),
        Operation(method: "get", path: "/api/v1/audit", summary: "The audit log, newest first (keyset pages)",
                  query: [.name("actor"), .cursor, .limit], responses: [200, 400, 401, 403]),
        Operation(method: "get", path: "/api/v1/hosts", summary: "Hosts the runs reached, by name (keyset pages)",
                  query: [.nameCursor, .limit], responses: [200, 400, 401]),
        Operation(method: "get", path: "/api/v1/hosts/{name}",
                  summary: "One host: its latest run per template, the facts of its latest gathering, the run holding it",
                  responses: [200, 400, 401, 404]),
        Operation(method: "get", path: "/api/v1/hosts/{name}/runs", summary: "Runs that reached the host, newest first (keyset pages)",
                  query: [.cursor, .limit], responses: [200, 400, 401, 404]),
    ]

    /// The query parameters `path` (a route as registered, `{id}` and all)
    /// declares for `method`; nil for a route the document does not know.
    static func queryNames(path: String, method: String) -> Set<String>? {
        queryNamesByRoute["\(method.lowercased()) \(path)"]
    }

    /// The methods of the documented route that `path` (a request's path)
    /// matches, upper-case and sorted; empty when none does.
    static func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        return operations.filter { operation in
            let pattern = operation.path.split(separator: "/", omittingEmptySubsequences: true)
            return pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }.map { $0.method.uppercased() }.sorted()
    }

    private static let queryNamesByRoute: [String: Set<String>] = Dictionary(
        operations.map { ("\($0.method) \($0.path)", Set($0.query.map(\.name))) }, uniquingKeysWith: { $0.union($1) })

    static let document: Value = {
        var paths = OrderedDictionary<String, Value>()
        for operation in operations {
            var item: OrderedDictionary<String, Value> = [:]
            if case .dict(let existing)? = paths[operation.path] { item = existing }
            item[operation.method] = json(operation)
            paths[operation.path] = .dict(item)
        }
        // A bearer token, or a session cookie (whose state-changing requests
        // also carry the X-CSRF-Token header).
        let schemes: Value = .dict([
            "bearer": .dict(["type": .string("http"), "scheme": .string("bearer"), "description": .string("drover tokens create")]),
            "session": .dict(["type": .string("apiKey"), "in": .string("cookie"), "name": .string(SessionCookie.name),
                              "description": .string("POST /api/v1/login; send its csrf_token as X-CSRF-Token on POST, PATCH and DELETE")]),
        ])
        return .dict(["openapi": .string("3.1.0"),
                      "info": .dict(["title": .string("Drover controller API"), "version": .string("1")]),
                      "security": .list([.dict(["bearer": .list([])]), .dict(["session": .list([])])]),
                      "paths": .dict(paths),
                      "components": .dict(["schemas": .dict(["Error": errorSchema]), "securitySchemes": schemes])])
    }()
}
