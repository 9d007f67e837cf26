import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

@Suite("Store: browser sessions, roles, the last admin")
struct SessionStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let policy = SessionPolicy(idleTimeout: 600, absoluteLifetime: 3600)

    static func store(_ label: String) async throws -> (TemporaryStore, Principal) {
        let temporary = try TemporaryStore(label)
        let account = try await temporary.store.addUser(name: "alice", password: "correct horse", role: .editor, cost: 4)
        return (temporary, Principal(userID: account.id, name: account.name, role: account.role))
    }

    @Test("a session authenticates with the whole role; only its SHA-256 is stored; logout ends it")
    func roundTrip() async throws {
        let (temporary, alice) = try await Self.store("sessions")
        defer { temporary.close() }
        let store = temporary.store
        let created = try await store.createSession(for: alice, address: "192.0.2.7", policy: Self.policy, now: Self.now)
        #expect(created.secret.hasPrefix("drs_") && created.secret.count == 47)
        #expect(created.session.expiresAt == Self.now + 3600)
        let session = try await store.authenticateSession(created.secret, policy: Self.policy, now: Self.now + 60)
        #expect(session.principal == Principal(userID: alice.userID, name: "alice", role: .editor) && session.id == created.session.id)

        let rows = try temporary.database().read { db in try Row.fetchAll(db, sql: "SELECT * FROM sessions") }
        #expect(rows.count == 1 && rows[0]["session_sha256"] as String == TokenSecret.digest(created.secret))
        #expect(rows[0]["address"] as String == "192.0.2.7")
        #expect(!rows.description.contains(created.secret.dropFirst(4)))

        for wrong in ["", "drs_short", "drv_" + created.secret.dropFirst(4), TokenSecret.generate(prefix: TokenSecret.sessionPrefix)] {
            await #expect(throws: CredentialRejection(.sessionUnknown)) { try await store.authenticateSession(wrong, policy: Self.policy, now: Self.now) }
        }
        #expect(try await store.endSession(id: created.session.id))
        #expect(try await !store.endSession(id: created.session.id))
        await #expect(throws: CredentialRejection(.sessionUnknown)) { try await store.authenticateSession(created.secret, policy: Self.policy, now: Self.now) }
    }

    @Test("idle and absolute timeouts end a session; each use (at most once a minute) moves the idle deadline")
    func timeouts() async throws {
        let (temporary, alice) = try await Self.store("session-timeouts")
        defer { temporary.close() }
        let store = temporary.store
        let secret = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now).secret
        // Used at +30 s (not written: under the minute), then at +590 s: 590 s after the last written use, still alive.
        _ = try await store.authenticateSession(secret, policy: Self.policy, now: Self.now + 30)
        _ = try await store.authenticateSession(secret, policy: Self.policy, now: Self.now + 590)
        _ = try await store.authenticateSession(secret, policy: Self.policy, now: Self.now + 1150)
        await #expect(throws: CredentialRejection(.sessionExpired)) { try await store.authenticateSession(secret, policy: Self.policy, now: Self.now + 1751) }
        await #expect(throws: CredentialRejection(.sessionUnknown), "an expired session is deleted") {
            try await store.authenticateSession(secret, policy: Self.policy, now: Self.now + 1751)
        }

        let busy = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now).secret
        for minute in stride(from: 5, through: 55, by: 5) {
            _ = try await store.authenticateSession(busy, policy: Self.policy, now: Self.now + Double(minute * 60))
        }
        await #expect(throws: CredentialRejection(.sessionExpired)) { try await store.authenticateSession(busy, policy: Self.policy, now: Self.now + 3600) }

        // A new login sweeps out sessions past either timeout.
        _ = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now)
        _ = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now + 700)
        #expect(try await store.sessionCount(user: "alice") == 1)
    }

    @Test("disabling a user or changing their password ends their sessions; a role change applies at once")
    func userChanges() async throws {
        let (temporary, alice) = try await Self.store("session-users")
        defer { temporary.close() }
        let store = temporary.store
        let first = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now).secret
        try await store.setRole(name: "alice", .auditor)
        #expect(try await store.authenticateSession(first, policy: Self.policy, now: Self.now).principal.role == .auditor)
        try await store.setPassword(name: "alice", password: "another horse", cost: 4)
        await #expect(throws: CredentialRejection(.sessionUnknown)) { try await store.authenticateSession(first, policy: Self.policy, now: Self.now) }

        let second = try await store.createSession(for: alice, address: "", policy: Self.policy, now: Self.now).secret
        #expect(try await store.setUserDisabled(name: "alice", true).disabled)
        await #expect(throws: CredentialRejection(.sessionUnknown)) { try await store.authenticateSession(second, policy: Self.policy, now: Self.now) }
        #expect(try await !store.setUserDisabled(name: "alice", false).disabled)
        #expect(try await store.sessionCount(user: "alice") == 0)
    }

    @Test("the last active admin can be neither demoted nor disabled")
    func lastAdmin() async throws {
        let temporary = try TemporaryStore("last-admin")
        defer { temporary.close() }
        let store = temporary.store
        _ = try await store.addUser(name: "root", password: "correct horse", role: .admin, cost: 4)
        await #expect(throws: StoreError.self) { try await store.setRole(name: "root", .editor) }
        await #expect(throws: StoreError.self) { try await store.disableUser(name: "root") }
        _ = try await store.addUser(name: "second", password: "correct horse", role: .editor, cost: 4)
        try await store.setRole(name: "second", .admin)
        try await store.setRole(name: "root", .editor)
        await #expect(throws: StoreError.self) { try await store.disableUser(name: "second") }
        #expect(try await store.users().map { "\($0.name):\($0.role.rawValue)" } == ["root:editor", "second:admin"])
    }

    @Test("users and tokens come in keyset pages")
    func pages() async throws {
        let (temporary, _) = try await Self.store("account-pages")
        defer { temporary.close() }
        let store = temporary.store
        _ = try await store.addUser(name: "bob", password: "correct horse", role: .auditor, cost: 4)
        _ = try await store.addUser(name: "carol", password: "correct horse", role: .auditor, cost: 4)
        #expect(try await store.users(limit: 2).map(\.name) == ["alice", "bob"])
        #expect(try await store.users(after: "bob", limit: 2).map(\.name) == ["carol"])
        var ids: [Int64] = []
        for user in ["alice", "bob", "alice"] { ids.append(try await store.createToken(user: user, scope: .read, expiresAt: nil).token.id) }
        #expect(try await store.tokens(user: "alice").map(\.id) == [ids[0], ids[2]])
        #expect(try await store.tokens(afterID: ids[0], limit: 1).map(\.id) == [ids[1]])
        #expect(try await store.tokens().count == 3)
    }
}
