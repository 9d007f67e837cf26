import DroverCore
import Foundation
import GRDB

/// Browser sessions: made by a password login, kept as a SHA-256 of the
/// cookie, ended by logout, by their idle or absolute timeout, or when
/// their user is disabled or gets a new password.
extension Store {
    /// A new session for a user whose password was just checked. Sessions
    /// past their timeouts are deleted on the way, so the table holds only
    /// live ones (plus those idle since the last login anywhere).
    public func createSession(for principal: Principal, address: String, policy: SessionPolicy,
                              now: Date = Date()) async throws -> NewBrowserSession {
        let secret = TokenSecret.generate(prefix: TokenSecret.sessionPrefix)
        let expires = now.addingTimeInterval(policy.absoluteLifetime)
        let id = try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?",
                           arguments: [now, now.addingTimeInterval(-policy.idleTimeout)])
            try db.execute(sql: """
                INSERT INTO sessions (user_id, session_sha256, address, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [principal.userID, TokenSecret.digest(secret), address, now, now, expires])
            return db.lastInsertedRowID
        }
        let base = Principal(userID: principal.userID, name: principal.name, role: principal.role)
        return NewBrowserSession(session: BrowserSession(id: id, principal: base, expiresAt: expires), secret: secret)
    }

    /// The session a request's cookie stands for, or why not. Its user's
    /// role is read now, so a role change applies to the next request.
    public func authenticateSession(_ secret: String, policy: SessionPolicy, now: Date = Date()) async throws -> BrowserSession {
        guard TokenSecret.isWellFormed(secret, prefix: TokenSecret.sessionPrefix) else { throw CredentialRejection(.sessionUnknown) }
        let digest = TokenSecret.digest(secret)
        let found = try await pool.read { db in
            try SessionHolder.fetchOne(db, sql: """
                SELECT s.id, s.last_seen_at, s.expires_at, u.id AS user_id, u.name, u.role, u.disabled
                FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.session_sha256 = ?
                """, arguments: [digest])
        }
        guard let found else { throw CredentialRejection(.sessionUnknown) }
        if found.expiresAt <= now || now.timeIntervalSince(found.lastSeenAt) > policy.idleTimeout {
            _ = try await endSession(id: found.id)
            throw CredentialRejection(.sessionExpired)
        }
        if found.disabled { throw CredentialRejection(.userDisabled) }
        guard let role = UserRole(rawValue: found.role) else { throw CredentialRejection(.sessionUnknown) }
        if now.timeIntervalSince(found.lastSeenAt) >= policy.touchResolution || found.lastSeenAt > now {
            try await pool.write { db in
                try db.execute(sql: "UPDATE sessions SET last_seen_at = ? WHERE id = ?", arguments: [now, found.id])
            }
        }
        return BrowserSession(id: found.id, principal: Principal(userID: found.userID, name: found.name, role: role), expiresAt: found.expiresAt)
    }

    /// Ends session `id` (logout); false when it had already ended.
    @discardableResult
    public func endSession(id: Int64) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// How many sessions `user` has open (for tests and a future UI).
    public func sessionCount(user: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.name = ?", arguments: [user]) ?? 0
        }
    }

    /// Every session of the user: a disabled user or a new password signs
    /// every browser out at once.
    static func endSessions(_ db: Database, userID: Int64) throws {
        try db.execute(sql: "DELETE FROM sessions WHERE user_id = ?", arguments: [userID])
    }
}

/// A session's row joined with its user's, as authentication reads it.
private struct SessionHolder: Sendable, Decodable, FetchableRecord {
    let id: Int64
    let lastSeenAt: Date
    let expiresAt: Date
    let userID: Int64
    let name: String
    let role: String
    let disabled: Bool

    enum CodingKeys: String, CodingKey {
        case id, name, role, disabled
        case lastSeenAt = "last_seen_at"
        case expiresAt = "expires_at"
        case userID = "user_id"
    }
}
