import DroverCore
import Foundation
import NIOHTTP1

/// A browser's side of a session, over real HTTP: the cookie the login set
/// and the CSRF token it answered, sent back the way a page of the server
/// would send them.
struct ServerBrowser: Sendable {
    static let password = "correct horse battery staple"

    let server: ServerHarness
    /// `drover_session=drs_…`, as the browser sends it back.
    let cookie: String
    let csrf: String
    /// The login's `Set-Cookie` header, whole (its attributes are checked).
    let setCookie: String

    /// Signs `user` in; throws unless the login answers 200 with a cookie.
    static func login(_ server: ServerHarness, _ user: String, password: String = ServerBrowser.password,
                      headers: [(String, String)] = []) async throws -> ServerBrowser {
        let reply = try await server.request(.POST, "/api/v1/login", body: #"{"user": "\#(user)", "password": "\#(password)"}"#, headers: headers)
        guard reply.status == 200, let setCookie = sessionCookie(reply), let csrf = reply["csrf_token"]?.stringValue else {
            throw BrowserError("login of \(user) answered \(reply.status): \(reply.body)")
        }
        return ServerBrowser(server: server, cookie: String(setCookie.prefix { $0 != ";" }), csrf: csrf, setCookie: setCookie)
    }

    /// The `Set-Cookie` of the session cookie in a reply, if any.
    static func sessionCookie(_ reply: ServerHarness.Reply) -> String? {
        reply.headers["Set-Cookie"].first { $0.hasPrefix("drover_session=") }
    }

    /// The cookie's value: the session secret.
    var secret: String { String(cookie.dropFirst("drover_session=".count)) }

    /// A request with the cookie; `csrf` adds the X-CSRF-Token header.
    func request(_ method: HTTPMethod, _ path: String, body: String? = nil, csrf: String? = nil,
                 contentType: String = "application/json") async throws -> ServerHarness.Reply {
        var headers = [("Cookie", cookie)]
        if let csrf { headers.append(("X-CSRF-Token", csrf)) }
        return try await server.request(method, path, body: body, headers: headers, contentType: contentType)
    }

    /// A state-changing request as a page of the server makes it.
    func send(_ method: HTTPMethod, _ path: String, body: String? = nil) async throws -> ServerHarness.Reply {
        try await request(method, path, body: body, csrf: csrf)
    }
}

struct BrowserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
