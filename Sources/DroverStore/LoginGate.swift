import DroverCore
import Foundation

/// A password login, whole: the rate limiter, the bcrypt check and the
/// audit entry, for the server's login route. One per server; the clock
/// is injected so tests can move time.
///
/// Attempts await bcrypt, so many could start before the first failure
/// is counted: one attempt per user name and `maxInFlightPerAddress` per
/// address may be under way at once; more are refused like a lockout.
public actor LoginGate {
    public enum Result: Sendable, Equatable {
        case success(Principal)
        /// Wrong name, wrong password or disabled user: the client is told
        /// the same for all three (the audit log has the reason).
        case badCredentials
        /// Too many failures (or attempts at once): retry after `until`.
        case throttled(until: Date)
    }

    public static let maxInFlightPerAddress = 4

    private let store: Store
    private let clock: @Sendable () -> Date
    private var limiter: LoginRateLimiter
    private var inFlight: [LoginRateLimiter.Key: Int] = [:]
    private var failures = 0

    public init(store: Store, policy: LoginRateLimiter.Policy = .init(), clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
        limiter = LoginRateLimiter(policy: policy)
    }

    public func login(user: String, password: String, address: String) async throws -> Result {
        let now = clock()
        // Refused unchecked and unaudited: the failures that caused the
        // lockout are in the log, and a flood of retries must not be.
        if case .lockedOut(_, let until) = limiter.check(user: user, address: address, now: now) {
            return .throttled(until: until)
        }
        let keys: [LoginRateLimiter.Key] = [.user(user.lowercased()), .address(address)]
        guard inFlight[keys[0], default: 0] < 1, inFlight[keys[1], default: 0] < Self.maxInFlightPerAddress else {
            return .throttled(until: now.addingTimeInterval(1))
        }
        for key in keys { inFlight[key, default: 0] += 1 }
        defer { release(keys) }

        switch try await store.checkPassword(name: user, password: password) {
        case .success(let account):
            limiter.recordSuccess(user: user)
            try await audit(.loginSuccess, user: account.name, address: address, reason: nil)
            return .success(Principal(userID: account.id, name: account.name, role: account.role))
        case .failure(let failure):
            limiter.recordFailure(user: user, address: address, now: clock())
            failures += 1
            if failures % 256 == 0 { limiter.prune(now: clock()) }  // bounded memory, without a scan per failure
            try await audit(.loginFailure, user: user, address: address, reason: failure.rawValue)
            return .badCredentials
        }
    }

    private func release(_ keys: [LoginRateLimiter.Key]) {
        for key in keys {
            let count = inFlight[key, default: 1] - 1
            inFlight[key] = count > 0 ? count : nil
        }
    }

    private enum Outcome { case loginSuccess, loginFailure }

    private func audit(_ outcome: Outcome, user: String, address: String, reason: String?) async throws {
        var details: [String: Value] = ["user": .string(user)]
        if let reason { details["reason"] = .string(reason) }
        try await store.appendAudit(actor: user, source: address,
                                    action: outcome == .loginSuccess ? AuditAction.loginSuccess : AuditAction.loginFailure,
                                    details: details, at: clock())
    }
}
