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

    /// Replaces the password of `name` (the user's tokens stay valid).
    public func setPassword(name: String, password: String, cost: UInt8 = PasswordHasher.defaultCost) async throws {
        try Credentials.checkPassword(password)
        let hash = try await PasswordHasher.hash(password, cost: cost)
        try await pool.write { db in
            try db.execute(sql: "UPDATE users SET password_bcrypt = ? WHERE name = ?", arguments: [hash, name])
            if db.changesCount == 0 { throw Self.noSuchUser(name) }
        }
    }

    /// Every user, by name.
    public func users() async throws -> [UserAccount] {
        try await pool.read { db in
            try UserAccount.fetchAll(db, sql: "SELECT id, name, role, disabled, created_at FROM users ORDER BY name")
        }
    }

    public func user(named name: String) async throws -> UserAccount? {
        try await pool.read { db in try Self.account(db, name: name) }
    }

    /// Disables `name`: its password and every token stop working at once.
    @discardableResult
    public func disableUser(name: String) async throws -> UserAccount {
        try await pool.write { db in
            try db.execute(sql: "UPDATE users SET disabled = 1 WHERE name = ?", arguments: [name])
            guard let account = try Self.account(db, name: name) else { throw Self.noSuchUser(name) }
            return account
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
