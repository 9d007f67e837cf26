import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

@Suite("Store: API tokens")
struct TokenStoreTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func store(_ label: String) async throws -> TemporaryStore {
        let temporary = try TemporaryStore(label)
        _ = try await temporary.store.addUser(name: "alice", password: "correct horse", role: .operator, cost: 4)
        return temporary
    }

    @Test("a token authenticates as its user with its scope; only its SHA-256 is stored")
    func roundTrip() async throws {
        let temporary = try await Self.store("tokens")
        defer { temporary.close() }
        let created = try await temporary.store.createToken(user: "alice", scope: .launch, expiresAt: Self.now + 3600, now: Self.now)
        #expect(created.secret.hasPrefix("drv_") && created.secret.count == 47)
        #expect(created.token.user == "alice" && created.token.scope == .launch && created.token.lastUsedAt == nil)

        let principal = try await temporary.store.authenticateToken(created.secret, now: Self.now + 60)
        #expect(principal.name == "alice" && principal.role == .operator && principal.scope == .launch && principal.tokenID == created.token.id)

        let rows = try temporary.database().read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_tokens") }
        #expect(rows.count == 1)
        #expect(rows[0]["token_sha256"] as String == TokenSecret.digest(created.secret))
        #expect(!rows.description.contains(created.secret.dropFirst(4)))
        #expect(try await temporary.store.tokens().map(\.lastUsedAt) == [Self.now + 60])
        #expect(try await temporary.store.token(id: created.token.id)?.user == "alice")
        #expect(try await temporary.store.token(id: created.token.id + 1) == nil)
    }

    @Test("last use is written at most once a minute")
    func lastUsed() async throws {
        let temporary = try await Self.store("token-use")
        defer { temporary.close() }
        let created = try await temporary.store.createToken(user: "alice", scope: .read, expiresAt: nil, now: Self.now)
        _ = try await temporary.store.authenticateToken(created.secret, now: Self.now + 10)
        _ = try await temporary.store.authenticateToken(created.secret, now: Self.now + 50)
        #expect(try await temporary.store.tokens(user: "alice")[0].lastUsedAt == Self.now + 10)
        _ = try await temporary.store.authenticateToken(created.secret, now: Self.now + 70)
        #expect(try await temporary.store.tokens(user: "alice")[0].lastUsedAt == Self.now + 70)
    }

    @Test("an expired token is refused from its expiry on")
    func expiry() async throws {
        let temporary = try await Self.store("token-expiry")
        defer { temporary.close() }
        let created = try await temporary.store.createToken(user: "alice", scope: .read, expiresAt: Self.now + 3600, now: Self.now)
        _ = try await temporary.store.authenticateToken(created.secret, now: Self.now + 3599)
        await #expect(throws: CredentialRejection(.expired)) { try await temporary.store.authenticateToken(created.secret, now: Self.now + 3600) }
        #expect(try await temporary.store.tokens()[0].state(at: Self.now + 3600) == "expired")
    }

    @Test("a revoked token is refused at once; revoking again keeps the first time")
    func revocation() async throws {
        let temporary = try await Self.store("token-revoke")
        defer { temporary.close() }
        let created = try await temporary.store.createToken(user: "alice", scope: .admin, expiresAt: nil, now: Self.now)
        let other = try await temporary.store.createToken(user: "alice", scope: .read, expiresAt: nil, now: Self.now)
        let revoked = try await temporary.store.revokeToken(id: created.token.id, now: Self.now + 5)
        #expect(revoked.revokedAt == Self.now + 5 && revoked.state(at: Self.now + 5) == "revoked")
        #expect(try await temporary.store.revokeToken(id: created.token.id, now: Self.now + 9).revokedAt == Self.now + 5)
        await #expect(throws: CredentialRejection(.revoked)) { try await temporary.store.authenticateToken(created.secret, now: Self.now + 6) }
        _ = try await temporary.store.authenticateToken(other.secret, now: Self.now + 6)
        await #expect(throws: StoreError.self) { try await temporary.store.revokeToken(id: 999) }
    }

    @Test("a disabled user's tokens stop working")
    func disabledUser() async throws {
        let temporary = try await Self.store("token-disabled")
        defer { temporary.close() }
        let created = try await temporary.store.createToken(user: "alice", scope: .read, expiresAt: nil, now: Self.now)
        try await temporary.store.disableUser(name: "alice")
        await #expect(throws: CredentialRejection(.userDisabled)) { try await temporary.store.authenticateToken(created.secret, now: Self.now) }
    }

    @Test("unknown and malformed tokens are refused; messages never contain the token")
    func unknown() async throws {
        let temporary = try await Self.store("token-unknown")
        defer { temporary.close() }
        let forged = "drv_" + String(repeating: "A", count: 43)
        await #expect(throws: CredentialRejection(.unknown)) { try await temporary.store.authenticateToken(forged) }
        await #expect(throws: CredentialRejection(.malformed)) { try await temporary.store.authenticateToken("Bearer xyz") }
        await #expect(throws: CredentialRejection(.malformed)) { try await temporary.store.authenticateToken(forged + "A") }
        for code in [CredentialRejection.Code.malformed, .unknown, .expired, .revoked, .userDisabled] {
            #expect(!CredentialRejection(code).description.contains("AAAA"))
        }
        await #expect(throws: StoreError.self) { try await temporary.store.createToken(user: "nobody", scope: .read, expiresAt: nil) }
    }

    @Test("two tokens are never alike")
    func randomness() {
        let secrets = Set((0..<200).map { _ in TokenSecret.generate() })
        #expect(secrets.count == 200)
        #expect(secrets.allSatisfy(TokenSecret.isWellFormed))
    }
}
