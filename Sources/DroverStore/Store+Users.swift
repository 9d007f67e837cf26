import DroverCore
import Foundation
import GRDB

/// The controller server's users. Passwords arrive in clear, are checked
/// against `Credentials`' rules, and only their bcrypt hash is written.
extension Store {
    public func addUser(name: String, password: String, role: UserRole, cost: UInt8 = PasswordHasher.defaultCost,
                        now: Date = Date()) async throws -> UserAccount {
        try Credentials.checkUserName(name)
        try Credentials.checkPassword(password)
        let hash = try await PasswordHasher.hash(password, cost: cost)
        return try await pool.write { db in
            if try Self.account(db, name: name) != nil {
                throw StoreError(.alreadyExists, "user '\(name)' already exists: pick another name, or change its password with drover users passwd \(name)")
            }
            try db.execute(sql: "INSERT INTO users (name, password_bcrypt, role, disabled, created_at) VALUES (?, ?, ?, 0, ?)",
                           arguments: [name, hash, role.rawValue, now])
            return try Self.account(db, name: name)!
        }
    }

    /// Replaces the password of `name`. The user's browser sessions end
    /// (whoever knew the old password is signed out); their API tokens
    /// stay valid.
    public func setPassword(name: String, password: String, cost: UInt8 = PasswordHasher.defaultCost) async throws {
        try Credentials.checkPassword(password)
        let hash = try await PasswordHasher.hash(password, cost: cost)
        try await pool.write { db in
            guard let account = try Self.account(db, name: name) else { throw Self.noSuchUser(name) }
            try db.execute(sql: "UPDATE users SET password_bcrypt = ? WHERE id = ?", arguments: [hash, account.id])
            try Self.endSessions(db, userID: account.id)
        }
    }

    /// Users by name, after `afterName` (a keyset page), at most `limit`;
    /// every user when both are nil.
    public func users(after afterName: String? = nil, limit: Int? = nil) async throws -> [UserAccount] {
        try await pool.read { db in
            try UserAccount.fetchAll(db, sql: """
                SELECT id, name, role, disabled, created_at FROM users WHERE ? IS NULL OR name > ? ORDER BY name LIMIT ?
                """, arguments: [afterName, afterName, limit ?? -1])
        }
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await pool.read { db in try Self.account(db, name: name) }
    }

    /// Disables `name`: its password, its sessions and every token stop
    /// working at once.
    @discardableResult
    public func disableUser(name: String) async throws -> UserAccount {
        try await setUserDisabled(name: name, true)
    }

    /// Disables or enables `name`. Disabling ends the user's sessions; the
    /// last active admin cannot be disabled (nobody could manage users).
    @discardableResult
    public func setUserDisabled(name: String, _ disabled: Bool) async throws -> UserAccount {
        try await pool.write { db in
            guard let account = try Self.account(db, name: name) else { throw Self.noSuchUser(name) }
            if disabled {
                try Self.keepAnAdmin(db, besides: account)
                try Self.endSessions(db, userID: account.id)
            }
            try db.execute(sql: "UPDATE users SET disabled = ? WHERE id = ?", arguments: [disabled, account.id])
            return try Self.account(db, name: name)!
        }
    }

    /// Gives `name` another role, from its next request on (sessions and
    /// tokens read the role each time). The last active admin keeps theirs.
    @discardableResult
    public func setRole(name: String, _ role: UserRole) async throws -> UserAccount {
        try await pool.write { db in
            guard let account = try Self.account(db, name: name) else { throw Self.noSuchUser(name) }
            if role != .admin { try Self.keepAnAdmin(db, besides: account) }
            try db.execute(sql: "UPDATE users SET role = ? WHERE id = ?", arguments: [role.rawValue, account.id])
            return try Self.account(db, name: name)!
        }
    }

    /// Refuses a change that would leave no active admin, when `account`
    /// is one (a demoted or disabled sole admin locks everyone out of user
    /// management until someone edits the store).
    static func keepAnAdmin(_ db: Database, besides account: UserAccount) throws {
        guard account.role == .admin, !account.disabled else { return }
        let others = try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE role = ? AND disabled = 0 AND id != ?",
                                      arguments: [UserRole.admin.rawValue, account.id]) ?? 0
        if others == 0 {
            throw StoreError(.conflict, "\(account.name) is the last active admin: make another user admin first")
        }
    }

    /// Checks a login. Unknown names cost the same bcrypt work as wrong
    /// passwords, so response times do not tell which names exist.
    public func checkPassword(name: String, password: String) async throws -> LoginOutcome {
        let found = try await pool.read { db -> (account: UserAccount, hash: String)? in
            guard let account = try Self.account(db, name: name),
                  let hash = try String.fetchOne(db, sql: "SELECT password_bcrypt FROM users WHERE id = ?", arguments: [account.id])
            else { return nil }
            return (account, hash)
        }
        let matches = try await PasswordHasher.verify(password, hash: found?.hash)
        guard let found else { return .failure(.unknownUser) }
        guard matches else { return .failure(.wrongPassword) }
        return found.account.disabled ? .failure(.disabled) : .success(found.account)
    }

    static func account(_ db: Database, name: String) throws -> UserAccount? {
        try UserAccount.fetchOne(db, sql: "SELECT id, name, role, disabled, created_at FROM users WHERE name = ?", arguments: [name])
    }

    static func noSuchUser(_ name: String) -> StoreError {
        StoreError(.notFound, "no user is named '\(name)': drover users list shows them")
    }
}
