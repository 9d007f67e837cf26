import AsyncHTTPClient
import DroverCore
@testable import DroverServer
import DroverTestSupport
import Foundation
import NIOHTTP1
import Testing

@Suite("Server: bad requests get 4xx and change nothing; the OpenAPI document covers every route")
struct ServerInputTests {
    @Test("malformed JSON, oversized bodies, bad cursors, path traversal, bad surveys: 4xx, no run recorded")
    func badRequests() async throws {
        let server = try await ServerHarness("server-input", hosts: [7])
        defer { Swift.Task { await server.stop() } }
        let launch = "/api/v1/templates/nap/launch"
        let cases: [(HTTPMethodName, String, String?, Int, String)] = [
            (.post, launch, "{not json", 400, "bad_json"),
            (.post, launch, "[1, 2]", 400, "bad_json"),
            (.post, launch, #"{"survey": {"release": "v1"}, "limt": "h7"}"#, 400, "unknown_field"),
            (.post, launch, "{\"survey\": {\"release\": \"" + String(repeating: "v", count: 100_000) + "\"}}", 413, "too_large"),
            (.post, launch, #"{"survey": {"release": "1.0", "token": 5}}"#, 422, "survey_invalid"),
            (.post, launch, #"{"survey": {"release": "v1"}, "check": "yes"}"#, 422, "survey_invalid"),
            (.post, launch, #"{"survey": {"release": "v1"}, "limit": "nohost"}"#, 422, "survey_invalid"),
            (.post, "/api/v1/templates/..%2F..%2Fetc%2Fpasswd/launch", "{}", 400, "bad_parameter"),
            (.post, "/api/v1/templates/missing/launch", "{}", 404, "not_found"),
            (.get, "/api/v1/templates/..%2Fdrover.yml", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs?cursor=%2E%2E%2Fetc", nil, 400, "bad_cursor"),
            (.get, "/api/v1/runs?cursor=djE6LTE", nil, 400, "bad_cursor"),
            (.get, "/api/v1/runs?host=..%2F..%2Fetc", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs?limit=100000", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs?status=done", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs?sice=2020-01-01T00:00:00Z", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs/abc", nil, 400, "bad_parameter"),
            (.get, "/api/v1/runs/999", nil, 404, "not_found"),
            (.get, "/api/v1/runs/..%2F1", nil, 400, "bad_parameter"),
            (.post, "/api/v1/runs/999/cancel", nil, 404, "not_found"),
            (.get, "/api/v1/nowhere", nil, 404, "not_found"),
            (.post, "/api/v1/runs", "{}", 405, "method_not_allowed"),
            (.get, "/api/v1/runs?cursor=v1.05", nil, 400, "bad_cursor"),
        ]
        for (method, path, body, status, code) in cases {
            let reply = try await server.request(method.method, path, body: body)
            #expect(reply.status == status, "\(method) \(path) answered \(reply.status): \(reply.body.prefix(200))")
            let error = reply["error"]?.dictValue
            #expect(error?["code"] == .string(code), "\(method) \(path): \(reply.body.prefix(200))")
            #expect(error?["message"]?.stringValue?.isEmpty == false)
        }
        let survey = try await server.request(.POST, launch, body: #"{"survey": {"release": "1.0", "relase": "x"}}"#)
        let fields = survey["error"]?.dictValue?["fields"]?.listValue?.compactMap { $0.dictValue?["field"]?.stringValue }
        #expect(Set(fields ?? []) == ["survey.release", "survey.relase"])
        let runs = try await server.request(.GET, "/api/v1/runs")
        #expect(runs["items"]?.listValue?.isEmpty == true, "a refused launch recorded a run: \(runs.body)")
    }

    @Test("values the OpenAPI document allows are accepted: RFC 3339 times with fractions and offsets, a name cursor starting with a combining mark")
    func documentedValuesAccepted() async throws {
        let server = try await ServerHarness("server-accepts", hosts: [8])
        defer { Swift.Task { await server.stop() } }
        for path in ["/api/v1/runs?since=2020-03-28T06:08:31.221687-11:09&until=2999-01-01T00:00:00Z",
                     "/api/v1/templates?cursor=n1.%F0%9F%8F%BBx&limit=17", "/api/v1/hosts?cursor=n1.%CC%81"] {
            let reply = try await server.request(.GET, path)
            #expect(reply.status == 200, "\(path): \(reply.status) \(reply.body.prefix(200))")
        }
    }

    @Test("every registered route is in the OpenAPI document, which the server serves")
    func openAPICoversRoutes() async throws {
        let server = try await ServerHarness("server-openapi", hosts: [8])
        defer { Swift.Task { await server.stop() } }
        let reply = try await server.request(.GET, "/api/v1/openapi.json")
        #expect(reply["openapi"] == .string("3.1.0"))
        let paths = try #require(reply["paths"]?.dictValue)
        let routes = server.controller.router().routes
        #expect(routes.count >= 10)
        for route in routes {
            let operation = paths[route.path.description]?.dictValue?[route.method.rawValue.lowercased()]
            #expect(operation != nil, "\(route) is not in openapi.json")
        }
    }

    @Test("without --insecure-local every API request is 401; /healthz still answers")
    func unauthenticated() async throws {
        let server = try await ServerHarness("server-noauth", hosts: [9], insecureLocal: false)
        defer { Swift.Task { await server.stop() } }
        #expect(try await server.request(.GET, "/healthz").status == 200)
        for path in ["/api/v1/runs", "/api/v1/templates", "/metrics"] {
            let reply = try await server.request(.GET, path)
            #expect(reply.status == 401)
            #expect(reply["error"]?.dictValue?["code"] == .string("unauthenticated"))
        }
        #expect(try await server.request(.POST, "/api/v1/templates/nap/launch", body: "{}").status == 401)
    }
}

/// The methods the table above uses, by name.
enum HTTPMethodName: String {
    case get = "GET", post = "POST"
    var method: HTTPMethod { self == .get ? .GET : .POST }
}

