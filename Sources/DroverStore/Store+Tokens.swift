import DroverCore
import Foundation
import GRDB

/// API tokens: created for a user with a scope and an optional expiry,
/// shown once, stored as a SHA-256 digest, revocable.
extension Store {
    /// `last_used_at` is written at most this often per token, so a busy
    /// client does not turn every read request into a write.
    public static let tokenUseResolution: TimeInterval = 60

    public func createToken(user: String, scope: TokenScope, expiresAt: Date?, now: Date = Date()) async throws -> NewAPIToken {
        let secret = TokenSecret.generate()
        let token = try await pool.write { db in
            guard let account = try Self.account(db, name: user) else { throw Self.noSuchUser(user) }
            try db.execute(sql: "INSERT INTO api_tokens (user_id, token_sha256, scope, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [account.id, TokenSecret.digest(secret), scope.rawValue, expiresAt, now])
            return try Self.tokens(db, where: "t.id = ?", [db.lastInsertedRowID])[0]
        }
        return NewAPIToken(token: token, secret: secret)
    }

    /// Revokes token `id` (again is harmless: the first time is kept).
    @discardableResult
    public func revokeToken(id: Int64, now: Date = Date()) async throws -> APIToken {
        try await pool.write { db in
            try db.execute(sql: "UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?", arguments: [now, id])
            guard let token = try Self.tokens(db, where: "t.id = ?", [id]).first else {
                throw StoreError(.notFound, "no API token has id \(id): drover tokens list shows them")
            }
            return token
        }
    }

    /// Token `id`, so the server can check whose it is before revoking it
    /// (`ServerAction.manageTokens(owner:)`).
    public func token(id: Int64) async throws -> APIToken? {
        try await pool.read { db in try Self.tokens(db, where: "t.id = ?", [id]).first }
    }

    /// Tokens of `user`, or of everyone, oldest first: those after id
    /// `afterID` (a keyset page), at most `limit`; all when both are nil.
    public func tokens(user: String? = nil, afterID: Int64? = nil, limit: Int? = nil) async throws -> [APIToken] {
        try await pool.read { db in
            try Self.tokens(db, where: "(? IS NULL OR u.name = ?) AND t.id > ?", [user, user, afterID ?? 0], limit: limit)
        }
    }

    /// The principal a request's bearer token stands for, or why not.
    public func authenticateToken(_ secret: String, now: Date = Date()) async throws -> Principal {
        guard TokenSecret.isWellFormed(secret) else { throw CredentialRejection(.malformed) }
        let digest = TokenSecret.digest(secret)
        let found = try await pool.read { db in
            try TokenHolder.fetchOne(db, sql: """
                SELECT t.id, t.scope, t.expires_at, t.revoked_at, t.last_used_at, u.id AS user_id, u.name, u.role, u.disabled
                FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_sha256 = ?
                """, arguments: [digest])
        }
        guard let found else { throw CredentialRejection(.unknown) }
        if found.revokedAt != nil { throw CredentialRejection(.revoked) }
        if let expires = found.expiresAt, expires <= now { throw CredentialRejection(.expired) }
        if found.disabled { throw CredentialRejection(.userDisabled) }
        if found.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.tokenUseResolution || $0 > now }) ?? true {
            try await pool.write { db in
                try db.execute(sql: "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", arguments: [now, found.id])
            }
        }
        guard let role = UserRole(rawValue: found.role), let scope = TokenScope(rawValue: found.scope) else {
            throw CredentialRejection(.unknown)  // a row this version cannot read: refuse rather than guess
        }
        return Principal(userID: found.userID, name: found.name, role: role, scope: scope, tokenID: found.id)
    }

    static func tokens(_ db: Database, where condition: String, _ arguments: StatementArguments, limit: Int? = nil) throws -> [APIToken] {
        try APIToken.fetchAll(db, sql: """
            SELECT t.id, u.name AS user, t.scope, t.expires_at, t.revoked_at, t.last_used_at, t.created_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE \(condition) ORDER BY t.id LIMIT ?
            """, arguments: arguments + [limit ?? -1])
    }
}

/// A token's row joined with its user's, as authentication reads it.
private struct TokenHolder: Sendable, Decodable, FetchableRecord {
    let id: Int64
    let scope: String
    let expiresAt: Date?
    let revokedAt: Date?
    let lastUsedAt: Date?
    let userID: Int64
    let name: String
    let role: String
    let disabled: Bool

    enum CodingKeys: String, CodingKey {
        case id, scope, name, role, disabled
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
        case userID = "user_id"
    }
}
