import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// Browser sessions over real HTTP: the cookie, the CSRF token, logout,
/// timeouts, throttled logins. No run is launched: the test host is never
/// contacted.
@Suite("Server: browser sessions")
struct ServerSessionTests {
    /// A server without --insecure-local and its users: ada (admin, with an
    /// admin-scope token) and eve (editor).
    static func server(_ label: String, clock: TestClock? = nil,
                       adjust: (inout ServerSettings) -> Void = { _ in }) async throws -> (ServerHarness, adminToken: String) {
        let server = try await ServerHarness(label, hosts: [15], insecureLocal: false, clock: clock, adjust: adjust)
        let store = server.controller.store
        _ = try await store.addUser(name: "ada", password: ServerBrowser.password, role: .admin, cost: 4)
        _ = try await store.addUser(name: "eve", password: ServerBrowser.password, role: .editor, cost: 4)
        let token = try await store.createToken(user: "ada", scope: .admin, expiresAt: nil, now: clock?.now ?? Date()).secret
        return (server, token)
    }

    /// Every byte the store has on disk (database and write-ahead log).
    static func storeBytes(_ server: ServerHarness) -> Data {
        let home = server.controller.settings.storeHome
        return ["drover.sqlite", "drover.sqlite-wal"].reduce(into: Data()) { bytes, name in
            if let data = FileManager.default.contents(atPath: "\(home)/\(name)") { bytes += data }
        }
    }

    @Test("login sets an HttpOnly SameSite=Strict cookie kept only as a hash; every state-changing cookie request needs the CSRF token")
    func cookieAndCSRF() async throws {
        let (server, adminToken) = try await Self.server("server-session")
        defer { Swift.Task { await server.stop() } }

        let wrong = try await server.request(.POST, "/api/v1/login", body: #"{"user": "ada", "password": "not the password"}"#)
        #expect(wrong.status == 401 && wrong.errorCode == "unauthenticated", "\(wrong.body)")
        #expect(ServerBrowser.sessionCookie(wrong) == nil)
        let nobody = try await server.request(.POST, "/api/v1/login", body: #"{"user": "nobody", "password": "not the password"}"#)
        #expect(nobody.status == 401 && nobody.body == wrong.body, "an unknown name reads like a wrong password")

        let ada = try await ServerBrowser.login(server, "ada")
        let attributes = Set(ada.setCookie.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        #expect(attributes.isSuperset(of: ["httponly", "samesite=strict", "path=/", "max-age=43200"]), "\(ada.setCookie)")
        #expect(!attributes.contains("secure"), "no TLS, so no Secure: \(ada.setCookie)")
        #expect(ada.secret.hasPrefix("drs_") && ada.secret.count == 47)
        #expect(Self.storeBytes(server).range(of: Data(ada.secret.utf8)) == nil, "the session id is stored only as its SHA-256")
        #expect(Self.storeBytes(server).range(of: Data(ada.csrf.utf8)) == nil, "the CSRF token is never stored")
        #expect(try await server.controller.store.sessionCount(user: "ada") == 1)

        let me = try await ada.request(.GET, "/api/v1/me")
        #expect(me["name"] == .string("ada") && me["kind"] == .string("session") && me["role"] == .string("admin"), "\(me.body)")
        #expect(me["csrf_token"] == .string(ada.csrf))

        // Without the token, with a wrong one, with another session's: 403 csrf, and nothing happens.
        let eve = try await ServerBrowser.login(server, "eve")
        #expect(eve.csrf != ada.csrf)
        for csrf in [nil, "", "bm90LXRoZS10b2tlbg", eve.csrf] {
            let refused = try await ada.request(.POST, "/api/v1/reload", csrf: csrf)
            #expect(refused.status == 403 && refused.errorCode == "csrf", "csrf \(csrf ?? "none"): \(refused.body)")
        }
        #expect(try await server.controller.store.auditEntries().entries.allSatisfy { $0.action != AuditAction.configReload })
        #expect(try await ada.send(.POST, "/api/v1/reload").status == 200)
        // Bearer tokens need none: a browser never adds that header by itself.
        #expect(try await server.request(.POST, "/api/v1/reload", headers: bearer(adminToken)).status == 200)

        // A form post carries it as a field; the field is not one of the route's.
        let form = try await ada.request(.POST, "/api/v1/tokens", body: "scope=launch&expires=1h&csrf_token=\(ada.csrf)",
                                         contentType: "application/x-www-form-urlencoded")
        #expect(form.status == 201 && form["scope"] == .string("launch") && form["user"] == .string("ada"), "\(form.body)")
        let formless = try await ada.request(.POST, "/api/v1/tokens", body: "scope=launch", contentType: "application/x-www-form-urlencoded")
        #expect(formless.status == 403 && formless.errorCode == "csrf")
        guard case .int(let tokenID)? = form["id"] else { Issue.record("no token id: \(form.body)"); return }
        #expect(try await ada.request(.DELETE, "/api/v1/tokens/\(tokenID)").status == 403)
        #expect(try await ada.send(.DELETE, "/api/v1/tokens/\(tokenID)")["state"] == .string("revoked"))

        // A login from another site's page is refused; from the server's own, or without Origin (curl), it is not.
        let foreign = try await server.request(.POST, "/api/v1/login", body: #"{"user": "eve", "password": "\#(ServerBrowser.password)"}"#,
                                               headers: [("Origin", "https://evil.example")])
        #expect(foreign.status == 403 && foreign.errorCode == "csrf" && ServerBrowser.sessionCookie(foreign) == nil, "\(foreign.body)")
        _ = try await ServerBrowser.login(server, "eve", headers: [("Origin", server.base)])
        let formLogin = try await server.request(.POST, "/api/v1/login", body: "user=eve&password=correct+horse+battery+staple",
                                                 contentType: "application/x-www-form-urlencoded")
        #expect(formLogin.status == 200 && ServerBrowser.sessionCookie(formLogin) != nil, "\(formLogin.body)")

        // Logout needs the token too; afterwards the cookie is dead and the browser told to drop it.
        #expect(try await ada.request(.POST, "/api/v1/logout").status == 403)
        let logout = try await ada.send(.POST, "/api/v1/logout")
        #expect(logout.status == 204)
        #expect(ServerBrowser.sessionCookie(logout)?.lowercased().contains("max-age=0") == true, "\(logout.headers)")
        let after = try await ada.request(.GET, "/api/v1/me")
        #expect(after.status == 401 && after.errorCode == "unauthenticated")
        #expect(ServerBrowser.sessionCookie(after)?.hasPrefix("drover_session=;") == true, "a dead cookie is cleared: \(after.headers)")
        #expect(try await server.controller.store.sessionCount(user: "ada") == 0)

        let actions = try await server.controller.store.auditEntries(actor: "ada").entries.map(\.action)
        #expect(actions.filter { $0 == AuditAction.loginSuccess }.count == 1 && actions.contains(AuditAction.logout), "\(actions)")
        #expect(actions.contains(AuditAction.loginFailure) && actions.contains(AuditAction.tokenCreate) && actions.contains(AuditAction.tokenRevoke))
    }

    @Test("a session ends after its idle timeout, after its absolute lifetime, when its user is disabled or gets a new password")
    func sessionEnds() async throws {
        let clock = TestClock()
        let (server, adminToken) = try await Self.server("server-session-end", clock: clock) {
            $0.sessions = SessionPolicy(idleTimeout: 600, absoluteLifetime: 3600)
        }
        defer { Swift.Task { await server.stop() } }
        let admin = bearer(adminToken)

        // A session used every 500 s, `uses` times, then left `gap` seconds: the last use's answer.
        func lastUse(after uses: Int, gap: TimeInterval) async throws -> ServerHarness.Reply {
            let browser = try await ServerBrowser.login(server, "eve")
            for _ in 0..<uses {
                clock.advance(500)
                #expect(try await browser.request(.GET, "/api/v1/me").status == 200)
            }
            clock.advance(gap)
            return try await browser.request(.GET, "/api/v1/me")
        }
        // Idle: each use moves the deadline; 10 minutes without one ends it.
        #expect(try await lastUse(after: 3, gap: 599).status == 200)
        let idled = try await lastUse(after: 3, gap: 601)
        #expect(idled.status == 401 && idled.body.contains("expired"), "\(idled.body)")
        // Absolute: however busy, it ends an hour after the login.
        let ended = try await lastUse(after: 7, gap: 200)
        #expect(ended.status == 401 && ended.body.contains("expired"), "3700 s after the login: \(ended.body)")

        // A role change applies to the next request; disabling signs every browser out.
        let eve = try await ServerBrowser.login(server, "eve")
        #expect(try await eve.send(.POST, "/api/v1/reload").status == 200)
        #expect(try await server.request(.PATCH, "/api/v1/users/eve", body: #"{"role": "auditor"}"#, headers: admin)["role"] == .string("auditor"))
        #expect(try await eve.send(.POST, "/api/v1/reload").status == 403)
        #expect(try await server.request(.PATCH, "/api/v1/users/eve", body: #"{"disabled": true}"#, headers: admin).status == 200)
        #expect(try await eve.request(.GET, "/api/v1/me").status == 401)
        #expect(try await server.controller.store.sessionCount(user: "eve") == 0)
        #expect(try await server.request(.POST, "/api/v1/login", body: #"{"user": "eve", "password": "\#(ServerBrowser.password)"}"#).status == 401)
        #expect(try await server.request(.PATCH, "/api/v1/users/eve", body: #"{"disabled": false}"#, headers: admin).status == 200)

        // A new password signs out whoever knew the old one.
        let again = try await ServerBrowser.login(server, "eve")
        let changed = try await server.request(.PATCH, "/api/v1/users/eve", body: #"{"password": "a brand new passphrase"}"#, headers: admin)
        #expect(changed.status == 200, "\(changed.body)")
        #expect(try await again.request(.GET, "/api/v1/me").status == 401)
        #expect(try await server.request(.POST, "/api/v1/login", body: #"{"user": "eve", "password": "\#(ServerBrowser.password)"}"#).status == 401)
        _ = try await ServerBrowser.login(server, "eve", password: "a brand new passphrase")
    }

    @Test("failed logins are throttled per user: 429 with Retry-After, even for the right password, until the lockout ends")
    func throttledLogin() async throws {
        let clock = TestClock()
        let (server, _) = try await Self.server("server-session-throttle", clock: clock)
        defer { Swift.Task { await server.stop() } }
        let right = #"{"user": "eve", "password": "\#(ServerBrowser.password)"}"#
        for attempt in 1...5 {
            let failed = try await server.request(.POST, "/api/v1/login", body: #"{"user": "eve", "password": "guess number \#(attempt)"}"#)
            #expect(failed.status == 401, "attempt \(attempt): \(failed.body)")
        }
        let throttled = try await server.request(.POST, "/api/v1/login", body: right)
        #expect(throttled.status == 429 && throttled.errorCode == "throttled", "\(throttled.body)")
        #expect(throttled.headers.first(name: "Retry-After") == "900", "\(throttled.headers)")
        #expect(ServerBrowser.sessionCookie(throttled) == nil)
        // Another user from the same address is not locked out by eve's failures.
        _ = try await ServerBrowser.login(server, "ada")
        clock.advance(901)
        _ = try await ServerBrowser.login(server, "eve")

        let eveActions = try await server.controller.store.auditEntries(actor: "eve").entries.map(\.action)
        #expect(eveActions.filter { $0 == AuditAction.loginFailure }.count == 5, "\(eveActions)")
        #expect(eveActions.filter { $0 == AuditAction.loginSuccess }.count == 1, "the throttled attempt is not audited: \(eveActions)")
    }
}
