import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

/// Users in a real SQLite file. bcrypt at cost 4 (its minimum) keeps the
/// tests fast; the production cost is checked once.
@Suite("Store: users and passwords")
struct UserStoreTests {
    @Test("a user round-trips; the password is stored only as a bcrypt hash")
    func roundTrip() async throws {
        let temporary = try TemporaryStore("users")
        defer { temporary.close() }
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let alice = try await temporary.store.addUser(name: "alice", password: "correct horse", role: .operator, cost: 4, now: created)
        #expect(alice.name == "alice" && alice.role == .operator && !alice.disabled && alice.createdAt == created)
        _ = try await temporary.store.addUser(name: "bob", password: "battery staple", role: .auditor, cost: 4)
        #expect(try await temporary.store.users().map(\.name) == ["alice", "bob"])

        let stored = try await temporary.database().read { db in try String.fetchOne(db, sql: "SELECT password_bcrypt FROM users WHERE name = 'alice'") }
        #expect(stored?.hasPrefix("$2b$04$") == true)
        #expect(stored?.contains("correct horse") == false)
    }

    @Test("a password checks out; a wrong one, an unknown user and a disabled user fail, each with its reason")
    func checkPassword() async throws {
        let temporary = try TemporaryStore("login")
        defer { temporary.close() }
        let store = temporary.store
        let alice = try await store.addUser(name: "alice", password: "correct horse", role: .editor, cost: 4)
        #expect(try await store.checkPassword(name: "alice", password: "correct horse") == .success(alice))
        #expect(try await store.checkPassword(name: "alice", password: "correct horsE") == .failure(.wrongPassword))
        #expect(try await store.checkPassword(name: "mallory", password: "correct horse") == .failure(.unknownUser))
        try await store.setPassword(name: "alice", password: "new password!", cost: 4)
        #expect(try await store.checkPassword(name: "alice", password: "correct horse") == .failure(.wrongPassword))
        #expect(try await store.checkPassword(name: "alice", password: "new password!") == .success(alice))
        let disabled = try await store.disableUser(name: "alice")
        #expect(disabled.disabled)
        #expect(try await store.checkPassword(name: "alice", password: "new password!") == .failure(.disabled))
    }

    @Test("names are unique regardless of case; bad names, short passwords and unknown users are refused with what to do")
    func refusals() async throws {
        let temporary = try TemporaryStore("user-refusals")
        defer { temporary.close() }
        let store = temporary.store
        _ = try await store.addUser(name: "alice", password: "correct horse", role: .admin, cost: 4)
        await #expect(throws: StoreError.self) { try await store.addUser(name: "Alice", password: "correct horse", role: .admin, cost: 4) }
        await #expect(throws: InputError.self) { try await store.addUser(name: "bad name", password: "correct horse", role: .admin, cost: 4) }
        do {
            _ = try await store.addUser(name: "carol", password: "short", role: .admin, cost: 4)
            Issue.record("a 5-character password was accepted")
        } catch let error as InputError {
            #expect(error.code == .weakPassword && !error.message.contains("short,"))
        }
        do {
            try await store.disableUser(name: "nobody")
            Issue.record("disabling an unknown user succeeded")
        } catch let error as StoreError {
            #expect(error.code == .notFound && error.message.contains("drover users list"))
        }
        await #expect(throws: StoreError.self) { try await store.setPassword(name: "nobody", password: "correct horse", cost: 4) }
    }

    @Test("the production cost is 12, and hashing runs off the cooperative pool")
    func productionCost() async throws {
        #expect(PasswordHasher.defaultCost == 12)
        let hash = try await PasswordHasher.hash("correct horse", cost: PasswordHasher.defaultCost)
        #expect(hash.hasPrefix("$2b$12$"))
        #expect(try await PasswordHasher.verify("correct horse", hash: hash))
        #expect(try await !PasswordHasher.verify("correct horse", hash: nil))
    }
}
