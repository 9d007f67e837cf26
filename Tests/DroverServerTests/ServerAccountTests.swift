import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// Users and API tokens over real HTTP: what `drover users` and `drover
/// tokens` do, with the caller in the audit log.
@Suite("Server: users and tokens endpoints")
struct ServerAccountTests {
    @Test("admins list, add and change users; bad values are 422 naming the field; the last admin stays one; each change audited")
    func users() async throws {
        let (server, adminToken) = try await ServerSessionTests.server("server-users")
        defer { Swift.Task { await server.stop() } }
        let admin = bearer(adminToken)
        let added = try await server.request(.POST, "/api/v1/users", body: #"{"name": "nina", "password": "long enough words", "role": "operator"}"#,
                                             headers: admin)
        #expect(added.status == 201 && added["role"] == .string("operator") && added["disabled"] == .bool(false), "\(added.body)")
        #expect(!added.body.contains("long enough words") && !added.body.contains("$2b$"))
        guard case .success = try await server.controller.store.checkPassword(name: "nina", password: "long enough words") else {
            Issue.record("nina cannot log in with the password she was given"); return
        }

        let refusals: [(String, Int, String?)] = [
            (#"{"name": "nina", "password": "long enough words"}"#, 409, nil),
            (#"{"name": "nora", "password": "short"}"#, 422, "password"),
            (#"{"name": "nora", "password": "long enough words", "role": "root"}"#, 422, "role"),
            (#"{"name": "../nora", "password": "long enough words"}"#, 422, "name"),
            (#"{"name": "nora", "password": 12345678}"#, 422, "password"),
            (#"{"name": "nora", "passwd": "long enough words"}"#, 400, "passwd"),
        ]
        for (body, status, field) in refusals {
            let reply = try await server.request(.POST, "/api/v1/users", body: body, headers: admin)
            #expect(reply.status == status, "\(body): \(reply.body)")
            #expect(reply["error"]?.dictValue?["field"]?.stringValue == field, "\(body): \(reply.body)")
            #expect(!reply.body.contains("long enough words") && !reply.body.contains("short\""), "a password is never echoed: \(reply.body)")
        }
        #expect(try await server.controller.store.user(named: "nora") == nil)

        let first = try await server.request(.GET, "/api/v1/users?limit=2", headers: admin)
        #expect(first["items"]?.listValue?.compactMap { $0.dictValue?["name"]?.stringValue } == ["ada", "eve"], "\(first.body)")
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let rest = try await server.request(.GET, "/api/v1/users?limit=2&cursor=\(cursor)", headers: admin)
        #expect(rest["items"]?.listValue?.compactMap { $0.dictValue?["name"]?.stringValue } == ["nina"] && rest["next_cursor"] == .null)

        #expect(try await server.request(.PATCH, "/api/v1/users/nina", body: #"{"role": "editor"}"#, headers: admin)["role"] == .string("editor"))
        #expect(try await server.request(.PATCH, "/api/v1/users/nobody", body: #"{"role": "editor"}"#, headers: admin).status == 404)
        let weak = try await server.request(.PATCH, "/api/v1/users/nina", body: #"{"role": "auditor", "password": "short"}"#, headers: admin)
        #expect(weak.status == 422, "\(weak.body)")
        #expect(try await server.controller.store.user(named: "nina")?.role == .editor, "a refused change changes nothing")
        for body in [#"{"role": "operator"}"#, #"{"disabled": true}"#] {
            let lastAdmin = try await server.request(.PATCH, "/api/v1/users/ada", body: body, headers: admin)
            #expect(lastAdmin.status == 409 && lastAdmin.body.contains("last active admin"), "\(body): \(lastAdmin.body)")
        }

        // Nobody but an admin manages users, even with an admin-scope token.
        let nina = try await server.controller.store.createToken(user: "nina", scope: .admin, expiresAt: nil).secret
        #expect(try await server.request(.GET, "/api/v1/users", headers: bearer(nina)).status == 403)
        #expect(try await server.request(.PATCH, "/api/v1/users/nina", body: #"{"role": "admin"}"#, headers: bearer(nina)).status == 403)

        let entries = try await server.controller.store.auditEntries(actor: "ada").entries
        #expect(Array(entries.map(\.action).reversed()) == [AuditAction.userAdd, AuditAction.userRole], "\(entries.map(\.action))")
        #expect(entries.allSatisfy { $0.source == "127.0.0.1" })
        #expect(entries.first.map(auditDetails)?["was"] == .string("operator"), "\(entries.first?.details ?? "")")
    }

    @Test("tokens: shown once, listed without their text, 401 once revoked or expired; users manage their own, admins anyone's")
    func tokens() async throws {
        let clock = TestClock()
        let (server, adminToken) = try await ServerSessionTests.server("server-tokens", clock: clock)
        defer { Swift.Task { await server.stop() } }
        let store = server.controller.store
        let admin = bearer(adminToken)
        let eve = bearer(try await store.createToken(user: "eve", scope: .admin, expiresAt: nil, now: clock.now).secret)

        let created = try await server.request(.POST, "/api/v1/tokens", body: #"{"scope": "launch", "expires": "1h"}"#, headers: eve)
        #expect(created.status == 201 && created["user"] == .string("eve") && created["scope"] == .string("launch"), "\(created.body)")
        #expect(created.headers.first(name: "Cache-Control") == "no-store")
        let secret = try #require(created["token"]?.stringValue)
        guard case .int(let id)? = created["id"] else { Issue.record("no id: \(created.body)"); return }
        #expect(try await server.request(.GET, "/api/v1/runs", headers: bearer(secret)).status == 200)

        let own = try await server.request(.GET, "/api/v1/tokens", headers: eve)
        #expect(own.status == 200 && !own.body.contains(secret) && !own.body.contains("drv_"), "\(own.body)")
        #expect(own["items"]?.listValue?.allSatisfy { $0.dictValue?["user"] == .string("eve") } == true)
        #expect(own["items"]?.listValue?.count == 2)
        let everyone = try await server.request(.GET, "/api/v1/tokens?limit=1", headers: admin)
        #expect(everyone["items"]?.listValue?.first?.dictValue?["user"] == .string("ada"), "an admin sees everyone's: \(everyone.body)")
        #expect(everyone["next_cursor"]?.stringValue != nil)

        // eve cannot see, mint or revoke ada's.
        let adaToken = try #require(try await store.tokens(user: "ada").first?.id)
        #expect(try await server.request(.GET, "/api/v1/tokens?user=ada", headers: eve).status == 403)
        #expect(try await server.request(.POST, "/api/v1/tokens", body: #"{"user": "ada", "scope": "admin"}"#, headers: eve).status == 403)
        #expect(try await server.request(.DELETE, "/api/v1/tokens/\(adaToken)", headers: eve).status == 403)
        #expect(try await server.request(.DELETE, "/api/v1/tokens/999", headers: eve).status == 404)
        // A launch-scoped token cannot mint a broader one (or any).
        #expect(try await server.request(.POST, "/api/v1/tokens", body: #"{"scope": "admin"}"#, headers: bearer(secret)).status == 403)
        #expect(try await server.request(.POST, "/api/v1/tokens", body: #"{"expires": "soon"}"#, headers: eve)["error"]?.dictValue?["field"]
                == .string("expires"))
        #expect(try await server.request(.POST, "/api/v1/tokens", body: #"{"user": "nobody"}"#, headers: admin).status == 404)
        // The API takes what its OpenAPI document lists, written one way (the CLI is lenient).
        for (body, field) in [(#"{"expires": "30D"}"#, "expires"), (#"{"expires": " 30d"}"#, "expires"), (#"{"expires": "030d"}"#, "expires"),
                              (#"{"expires": "3651d"}"#, "expires"), (#"{"scope": "Read"}"#, "scope")] {
            let refused = try await server.request(.POST, "/api/v1/tokens", body: body, headers: eve)
            #expect(refused.status == 422 && refused["error"]?.dictValue?["field"] == .string(field), "\(body): \(refused.status) \(refused.body)")
        }

        // Expiry: an hour later the token is refused.
        clock.advance(3601)
        let expired = try await server.request(.GET, "/api/v1/runs", headers: bearer(secret))
        #expect(expired.status == 401 && expired.body.contains("expired"), "\(expired.body)")

        // Revocation, by an admin: refused at once, listed as revoked.
        let another = try await server.request(.POST, "/api/v1/tokens", body: #"{"expires": "never"}"#, headers: eve)
        let anotherSecret = try #require(another["token"]?.stringValue)
        guard case .int(let anotherID)? = another["id"] else { Issue.record("no id: \(another.body)"); return }
        #expect(another["expires_at"] == .null)
        #expect(try await server.request(.GET, "/api/v1/templates", headers: bearer(anotherSecret)).status == 200)
        let revoked = try await server.request(.DELETE, "/api/v1/tokens/\(anotherID)", headers: admin)
        #expect(revoked.status == 200 && revoked["state"] == .string("revoked"), "\(revoked.body)")
        let refused = try await server.request(.GET, "/api/v1/templates", headers: bearer(anotherSecret))
        #expect(refused.status == 401 && refused.body.contains("revoked"), "\(refused.body)")

        let entries = try await store.auditEntries().entries
        let creates = entries.filter { $0.action == AuditAction.tokenCreate }
        #expect(creates.count == 2 && creates.allSatisfy { $0.actor == "eve" && auditDetails($0)["user"] == .string("eve") }, "\(creates)")
        #expect(entries.contains { $0.action == AuditAction.tokenRevoke && $0.actor == "ada" && auditDetails($0)["id"] == .int(anotherID) })
        #expect(entries.allSatisfy { !$0.details.contains(secret) && !$0.details.contains(anotherSecret) })
        #expect(id != anotherID)
    }
}

/// An audit entry's details as values.
func auditDetails(_ entry: AuditEntry) -> [String: Value] {
    guard case .dict(let details)? = try? Value.parseJSON(entry.details) else { return [:] }
    return Dictionary(uniqueKeysWithValues: details.map { ($0.key, $0.value) })
}
