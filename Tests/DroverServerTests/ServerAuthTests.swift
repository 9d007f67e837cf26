import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// API tokens through the gatekeeper, over real HTTP: who may launch what.
@Suite("Server tokens and roles")
struct ServerAuthTests {
    static let config = ServerHarness.config().replacingOccurrences(of: "    concurrency: parallel",
                                                                   with: "    concurrency: parallel\n    grants: [olga]")

    @Test("no token or a bad one is 401; an operator launches only granted templates; a read token cannot launch")
    func tokensAndGrants() async throws {
        let server = try await ServerHarness("server-auth", hosts: [8], config: Self.config, insecureLocal: false)
        defer { Swift.Task { await server.stop() } }
        let store = server.controller.store
        let password = "correct horse battery staple"
        for (name, role) in [("olga", UserRole.operator), ("otto", .operator)] {
            _ = try await store.addUser(name: name, password: password, role: role, cost: 4)
        }
        let olga = try await store.createToken(user: "olga", scope: .launch, expiresAt: nil).secret
        let olgaRead = try await store.createToken(user: "olga", scope: .read, expiresAt: nil).secret
        let otto = try await store.createToken(user: "otto", scope: .launch, expiresAt: nil).secret
        let launch = #"{"survey": {"release": "v1.0"}}"#

        #expect(try await server.request(.GET, "/api/v1/runs").status == 401)
        #expect(try await server.request(.GET, "/api/v1/runs", headers: bearer("drv_not-a-real-token")).status == 401)
        #expect(try await server.request(.GET, "/api/v1/runs", headers: bearer(otto)).status == 200)

        let refused = try await server.request(.POST, "/api/v1/templates/nap/launch", body: launch, headers: bearer(otto))
        #expect(refused.status == 403, "\(refused.body)")
        #expect(refused["error"]?.dictValue?["code"] == .string("forbidden"))
        #expect(try await server.request(.POST, "/api/v1/templates/nap/launch", body: launch, headers: bearer(olgaRead)).status == 403)

        let launched = try await server.request(.POST, "/api/v1/templates/nap/launch", body: launch, headers: bearer(olga))
        #expect(launched.status == 201, "\(launched.body)")
        guard case .int(let id)? = launched["id"] else { Issue.record("no run id: \(launched.body)"); return }
        #expect(try await store.run(Int64(id)).user == "olga")

        // The launch is in the audit log, by its user, without the survey's values.
        let launches = try await store.auditEntries(limit: 50).entries.filter { $0.action == AuditAction.launch }
        #expect(launches.count == 1)
        #expect(launches.first?.actor == "olga")
        #expect(launches.first?.details.contains("nap") == true && launches.first?.details.contains("v1.0") == false,
                "\(launches.first?.details ?? "")")
        guard case .intact = try await store.verifyAuditChain() else { Issue.record("the audit chain is broken"); return }

        // Over HTTP: an operator cannot read the audit log, an admin can; /me says who asks.
        _ = try await store.addUser(name: "ada", password: password, role: .admin, cost: 4)
        let ada = try await store.createToken(user: "ada", scope: .admin, expiresAt: nil).secret
        #expect(try await server.request(.GET, "/api/v1/audit", headers: bearer(olga)).status == 403)
        let audit = try await server.request(.GET, "/api/v1/audit", headers: bearer(ada))
        #expect(audit.status == 200, "\(audit.body)")
        #expect(audit["items"]?.listValue?.contains { $0.dictValue?["action"] == .string(AuditAction.launch) } == true, "\(audit.body)")
        #expect(try await server.request(.GET, "/api/v1/me", headers: bearer(olga))["name"] == .string("olga"))
    }
}
