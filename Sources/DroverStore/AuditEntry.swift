import Foundation
import GRDB

/// One line of the audit log: who did what, when, from where.
public struct AuditEntry: Sendable, Equatable, Codable, FetchableRecord {
    public let id: Int64
    /// ISO 8601 UTC with milliseconds, exactly as stored and hashed.
    public let at: String
    /// A user name, or `cli:<os user>` for a local command.
    public let actor: String
    /// The client's address, or `cli`.
    public let source: String
    /// What was done: one of `AuditAction`'s names, or the server's own.
    public let action: String
    /// A JSON object of the action's parameters, secrets redacted.
    public let details: String
    public let prevSHA256: String
    public let sha256: String

    enum CodingKeys: String, CodingKey {
        case id, at, actor, source, action, details
        case prevSHA256 = "prev_sha256"
        case sha256
    }

    public var date: Date? { AuditChain.parse(at) }
}

/// The names of the actions the CLI and the server audit.
public enum AuditAction {
    public static let userAdd = "user.add"
    public static let userPassword = "user.passwd"
    public static let userDisable = "user.disable"
    public static let userEnable = "user.enable"
    public static let userRole = "user.role"
    public static let tokenCreate = "token.create"
    public static let tokenRevoke = "token.revoke"
    public static let loginSuccess = "login.success"
    public static let loginFailure = "login.failure"
    public static let logout = "logout"
    public static let launch = "run.launch"
    public static let cancel = "run.cancel"
    public static let rollback = "run.rollback"
    public static let approve = "run.approve"
    public static let configReload = "config.reload"
}

/// A page of entries, newest first; `nextCursor` goes to the older ones.
public struct AuditPage: Sendable, Equatable {
    public let entries: [AuditEntry]
    public let nextCursor: Int64?
}

/// What `verifyAuditChain` found.
public enum AuditVerification: Sendable, Equatable {
    /// Every entry hashes to its recorded hash and links to the one before.
    /// `head` is the last hash: kept elsewhere, it also reveals a
    /// truncated tail, which no chain can show by itself.
    case intact(entries: Int, head: String?)
    case broken(AuditBreak)
}

public struct AuditBreak: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The entry's content no longer matches its hash: it was edited.
        case contentChanged
        /// The entry does not link to the entry before it: entries were
        /// deleted, inserted or rewritten before it.
        case linkBroken(previousID: Int64?)
    }

    public let id: Int64
    public let kind: Kind

    public var description: String {
        switch kind {
        case .contentChanged:
            "entry \(id) was changed after it was written (its content no longer matches its SHA-256)"
        case .linkBroken(let previous?):
            "entry \(id) does not follow entry \(previous): an entry between them was deleted, or entry \(previous) was rewritten"
        case .linkBroken(nil):
            "entry \(id) is the first entry left but does not start the chain: earlier entries were deleted"
        }
    }
}
