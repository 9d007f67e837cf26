import DroverCore
import DroverStore
import Foundation
import Hummingbird

extension Gatekeeper {
    /// A password login: `LoginGate` throttles it per user name and per
    /// address, checks the bcrypt hash and audits the outcome; a success
    /// opens a session. Every wrong answer reads the same, whatever the
    /// reason (the audit log has it).
    func logIn(user: String, password: String, address: String) async throws -> NewBrowserSession {
        switch try await logins.login(user: user, password: password, address: address) {
        case .success(let principal):
            return try await store.createSession(for: principal, address: address, policy: sessions, now: clock())
        case .badCredentials:
            throw APIError(.unauthorized, .unauthenticated, "wrong user name or password (or the user is disabled)")
        case .throttled(let until):
            let seconds = max(1, Int(until.timeIntervalSince(clock()).rounded(.up)))
            var error = APIError(.tooManyRequests, .throttled,
                                 "too many failed logins for this user or from this address: try again in \(seconds) seconds")
            error.retryAfter = seconds
            throw error
        }
    }

    /// The cookie that carries a new session to the browser.
    func cookie(for created: NewBrowserSession) -> Cookie {
        SessionCookie.make(created, now: clock(), secure: secureCookies)
    }

    /// The cookie that makes the browser forget its session.
    var clearedCookie: Cookie { SessionCookie.cleared(secure: secureCookies) }

    /// Ends the caller's session, if it came with one (a token has none).
    func logOut(_ caller: Caller) async throws -> Bool {
        guard let id = caller.sessionID else { return false }
        return try await store.endSession(id: id)
    }
}
