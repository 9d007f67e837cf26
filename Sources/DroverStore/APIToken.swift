import DroverCore
import Foundation
import GRDB

/// An API token as listed: what it is for and its state, never its text.
public struct APIToken: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    public let user: String
    public let scope: TokenScope
    public let expiresAt: Date?
    public let revokedAt: Date?
    public let lastUsedAt: Date?
    public let createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, user, scope
        case expiresAt = "expires_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
        case createdAt = "created_at"
    }

    /// "active", "revoked" or "expired" at `now`.
    public func state(at now: Date) -> String {
        if revokedAt != nil { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return "active"
    }
}

/// A token just created: the only time its text exists outside the
/// holder's hands. Show `secret` once, then drop it.
public struct NewAPIToken: Sendable {
    public let token: APIToken
    public let secret: String
}
