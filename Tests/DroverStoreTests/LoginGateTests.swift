import DroverCore
import DroverStore
import Foundation
import Testing

/// A clock the test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_800_000_000)

    var now: Date { lock.withLock { current } }

    func advance(minutes: Double) {
        lock.withLock { current = current.addingTimeInterval(minutes * 60) }
    }
}

@Suite("LoginGate: password logins, throttled and audited")
struct LoginGateTests {
    static func gate(_ label: String) async throws -> (TemporaryStore, LoginGate, ManualClock) {
        let temporary = try TemporaryStore(label)
        _ = try await temporary.store.addUser(name: "alice", password: "correct horse", role: .approver, cost: 4)
        let clock = ManualClock()
        return (temporary, LoginGate(store: temporary.store, clock: { clock.now }), clock)
    }

    @Test("a good password gives the user's principal without a scope; the login is audited with the address")
    func success() async throws {
        let (temporary, gate, clock) = try await Self.gate("gate-ok")
        defer { temporary.close() }
        let result = try await gate.login(user: "alice", password: "correct horse", address: "192.0.2.7")
        #expect(result == .success(Principal(userID: 1, name: "alice", role: .approver)))
        let entry = try #require(try await temporary.store.auditEntries().entries.first)
        #expect(entry.action == AuditAction.loginSuccess && entry.actor == "alice" && entry.source == "192.0.2.7")
        #expect(entry.date == clock.now)
        #expect(!entry.details.contains("correct horse"))
    }

    @Test("wrong passwords and unknown users are answered alike and audited with their reason")
    func failures() async throws {
        let (temporary, gate, _) = try await Self.gate("gate-fail")
        defer { temporary.close() }
        #expect(try await gate.login(user: "alice", password: "wrong horse", address: "192.0.2.7") == .badCredentials)
        #expect(try await gate.login(user: "mallory", password: "anything", address: "192.0.2.8") == .badCredentials)
        let entries = try await temporary.store.auditEntries().entries
        #expect(entries.map(\.action) == [AuditAction.loginFailure, AuditAction.loginFailure])
        #expect(entries.map(\.details) == [#"{"reason": "unknown_user", "user": "mallory"}"#, #"{"reason": "wrong_password", "user": "alice"}"#])
        #expect(!entries.contains { $0.details.contains("wrong horse") })
    }

    @Test("after five failures even the right password is refused until the lockout ends")
    func lockout() async throws {
        let (temporary, gate, clock) = try await Self.gate("gate-lockout")
        defer { temporary.close() }
        for _ in 0..<5 { #expect(try await gate.login(user: "alice", password: "guess-guess", address: "192.0.2.7") == .badCredentials) }
        let until = clock.now.addingTimeInterval(15 * 60)
        #expect(try await gate.login(user: "alice", password: "correct horse", address: "192.0.2.9") == .throttled(until: until))
        #expect(try await temporary.store.auditEntries().entries.count == 5)
        clock.advance(minutes: 15)
        #expect(try await gate.login(user: "alice", password: "correct horse", address: "192.0.2.9") == .success(Principal(userID: 1, name: "alice", role: .approver)))
    }

    @Test("a disabled user cannot log in")
    func disabled() async throws {
        let (temporary, gate, _) = try await Self.gate("gate-disabled")
        defer { temporary.close() }
        try await temporary.store.disableUser(name: "alice")
        #expect(try await gate.login(user: "alice", password: "correct horse", address: "192.0.2.7") == .badCredentials)
        #expect(try await temporary.store.auditEntries().entries.first?.details.contains("disabled") == true)
    }
}
