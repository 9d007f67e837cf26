import DroverCore
import Foundation
import Testing

@Suite("Login rate limiting per user and per address")
struct LoginRateLimiterTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let minute: TimeInterval = 60

    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * minute) }

    static func fail(_ limiter: inout LoginRateLimiter, times: Int, user: String = "alice", address: String = "10.0.0.1",
                     from minutes: Double = 0) -> LoginRateLimiter.Verdict {
        var verdict = LoginRateLimiter.Verdict.allowed
        for i in 0..<times { verdict = limiter.recordFailure(user: user, address: address, now: at(minutes + Double(i) / 10)) }
        return verdict
    }

    @Test("four failures leave the user free; the fifth locks them out for 15 minutes")
    func lockoutAtFive() {
        var limiter = LoginRateLimiter()
        #expect(Self.fail(&limiter, times: 4) == .allowed)
        #expect(limiter.check(user: "alice", address: "10.0.0.1", now: Self.at(1)) == .allowed)
        let verdict = limiter.recordFailure(user: "alice", address: "10.0.0.1", now: Self.at(1))
        #expect(verdict == .lockedOut(.user("alice"), until: Self.at(16)))
        #expect(limiter.check(user: "alice", address: "10.0.0.9", now: Self.at(15.9)) == .lockedOut(.user("alice"), until: Self.at(16)))
        #expect(limiter.check(user: "ALICE", address: "10.0.0.9", now: Self.at(2)) != .allowed)
        #expect(limiter.check(user: "alice", address: "10.0.0.1", now: Self.at(16)) == .allowed)
        #expect(limiter.check(user: "bob", address: "10.0.0.9", now: Self.at(2)) == .allowed)
    }

    @Test("failures older than the 15-minute window no longer count")
    func slidingWindow() {
        var limiter = LoginRateLimiter()
        #expect(Self.fail(&limiter, times: 4, from: 0) == .allowed)
        #expect(limiter.recordFailure(user: "alice", address: "10.0.0.1", now: Self.at(15.5)) == .allowed)
        #expect(Self.fail(&limiter, times: 3, from: 16) == .allowed)
        #expect(limiter.recordFailure(user: "alice", address: "10.0.0.1", now: Self.at(17)) != .allowed)
    }

    @Test("each lockout soon after the last doubles, up to the 24-hour cap")
    func backoff() {
        var limiter = LoginRateLimiter()
        var start = 0.0
        var lengths: [Double] = []
        for _ in 0..<9 {
            guard case .lockedOut(_, let until) = Self.fail(&limiter, times: 5, from: start) else {
                Issue.record("no lockout after 5 failures from minute \(start)")
                return
            }
            let lockedAt = start + 0.4
            lengths.append((until.timeIntervalSince(Self.t0) / Self.minute - lockedAt).rounded())
            start = until.timeIntervalSince(Self.t0) / Self.minute
        }
        #expect(lengths == [15, 30, 60, 120, 240, 480, 960, 1440, 1440])
    }

    @Test("failures during a lockout neither count nor extend it")
    func noPileUp() {
        var policy = LoginRateLimiter.Policy()
        policy.failuresPerAddress = 1000  // this test is about the user's count
        var limiter = LoginRateLimiter(policy: policy)
        _ = Self.fail(&limiter, times: 5)
        #expect(Self.fail(&limiter, times: 20, from: 5) == .lockedOut(.user("alice"), until: Self.at(15.4)))
        #expect(limiter.check(user: "alice", address: "10.0.0.1", now: Self.at(15.4)) == .allowed)
        #expect(limiter.recordFailure(user: "alice", address: "10.0.0.1", now: Self.at(16)) == .allowed)
    }

    @Test("a success clears its user's failures and history, not the address's")
    func successClearsUser() {
        var policy = LoginRateLimiter.Policy()
        policy.failuresPerAddress = 6
        var limiter = LoginRateLimiter(policy: policy)
        #expect(Self.fail(&limiter, times: 4) == .allowed)
        limiter.recordSuccess(user: "Alice")
        #expect(Self.fail(&limiter, times: 1, from: 1) == .allowed)
        #expect(limiter.recordFailure(user: "alice", address: "10.0.0.1", now: Self.at(2)) == .lockedOut(.address("10.0.0.1"), until: Self.at(17)))
    }

    @Test("one address trying many names is locked out after 20 failures, for every name")
    func perAddress() {
        var limiter = LoginRateLimiter()
        for i in 0..<19 {
            #expect(limiter.recordFailure(user: "user\(i)", address: "10.0.0.66", now: Self.at(Double(i) / 10)) == .allowed)
        }
        #expect(limiter.recordFailure(user: "user19", address: "10.0.0.66", now: Self.at(2)) == .lockedOut(.address("10.0.0.66"), until: Self.at(17)))
        #expect(limiter.check(user: "nobody-yet", address: "10.0.0.66", now: Self.at(3)) == .lockedOut(.address("10.0.0.66"), until: Self.at(17)))
        #expect(limiter.check(user: "user1", address: "10.0.0.7", now: Self.at(3)) == .allowed)
    }

    @Test("after a day without failures the backoff starts over and prune forgets the keys")
    func forget() {
        var limiter = LoginRateLimiter()
        _ = Self.fail(&limiter, times: 5)
        _ = Self.fail(&limiter, times: 5, from: 16)
        let dayLater = 16 + 24 * 60 + 1.0
        #expect(Self.fail(&limiter, times: 5, from: dayLater) == .lockedOut(.user("alice"), until: Self.at(dayLater + 0.4 + 15)))
        #expect(limiter.trackedKeys == 2)
        limiter.prune(now: Self.at(dayLater + 10))
        #expect(limiter.trackedKeys == 2)
        limiter.prune(now: Self.at(dayLater + 2 * 24 * 60))
        #expect(limiter.trackedKeys == 0)
    }
}
