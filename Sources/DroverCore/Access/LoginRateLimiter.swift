import Foundation

/// Login throttling as a pure state machine: the caller passes the time of
/// each event (`now`), so the server injects its clock and tests walk
/// through hours in microseconds.
///
/// Failures are counted per user name and per source address, each in a
/// sliding window. Past the limit the key is locked out; each further
/// lockout (a failure soon after the previous one ended) doubles, up to a
/// cap. A successful login clears its user's record; the address keeps
/// its count (an attacker with one real account must not reset it).
public struct LoginRateLimiter: Sendable {
    public struct Policy: Sendable, Equatable {
        public var failuresPerUser: Int = 5
        public var failuresPerAddress: Int = 20
        public var window: TimeInterval = 15 * 60
        public var firstLockout: TimeInterval = 15 * 60
        public var maxLockout: TimeInterval = 24 * 60 * 60
        /// After this long without a failure, a key's lockout history is
        /// forgotten (the next lockout is a first one again).
        public var forgetAfter: TimeInterval = 24 * 60 * 60

        public init() {}
    }

    public enum Key: Sendable, Hashable {
        case user(String)
        case address(String)
    }

    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Refuse without checking the password until `until`.
        case lockedOut(Key, until: Date)
    }

    struct Record: Sendable, Equatable {
        var failures: [Date] = []
        var lockedUntil: Date?
        var lockouts = 0
        var lastFailure: Date = .distantPast
    }

    public let policy: Policy
    private(set) var records: [Key: Record] = [:]

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Whether a login of `user` from `address` may be tried now.
    public func check(user: String, address: String, now: Date) -> Verdict {
        for key in Self.keys(user: user, address: address) {
            if let until = records[key]?.lockedUntil, until > now { return .lockedOut(key, until: until) }
        }
        return .allowed
    }

    /// Counts a failed login; returns the verdict for the next try.
    @discardableResult
    public mutating func recordFailure(user: String, address: String, now: Date) -> Verdict {
        for key in Self.keys(user: user, address: address) {
            var record = records[key] ?? Record()
            if let until = record.lockedUntil, until > now { continue }  // already refused: no pile-up
            if now.timeIntervalSince(record.lastFailure) > policy.forgetAfter { record.lockouts = 0 }
            record.failures = record.failures.filter { now.timeIntervalSince($0) < policy.window } + [now]
            record.lastFailure = now
            if record.failures.count >= limit(for: key) {
                let doubling = min(record.lockouts, 30)
                let length = min(policy.firstLockout * Double(1 << doubling), policy.maxLockout)
                record.lockedUntil = now.addingTimeInterval(length)
                record.lockouts += 1
                record.failures = []
            }
            records[key] = record
        }
        return check(user: user, address: address, now: now)
    }

    /// A successful login: the user's failures and lockout history go.
    public mutating func recordSuccess(user: String) {
        records[.user(Self.normalized(user))] = nil
    }

    /// Drops the records that no longer matter, so an attacker cycling
    /// through names cannot grow the table without bound for long.
    public mutating func prune(now: Date) {
        records = records.filter { _, record in
            (record.lockedUntil.map { $0 > now } ?? false) || now.timeIntervalSince(record.lastFailure) <= policy.forgetAfter
        }
    }

    /// How many keys are tracked (for /metrics and tests).
    public var trackedKeys: Int { records.count }

    private func limit(for key: Key) -> Int {
        switch key {
        case .user: policy.failuresPerUser
        case .address: policy.failuresPerAddress
        }
    }

    // Names match case-insensitively, as the users table does.
    private static func normalized(_ user: String) -> String { user.lowercased() }

    private static func keys(user: String, address: String) -> [Key] {
        [.user(normalized(user)), .address(address)]
    }
}
