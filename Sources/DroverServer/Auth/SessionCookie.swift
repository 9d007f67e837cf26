import DroverStore
import Foundation
import Hummingbird

/// The browser session's cookie: HttpOnly (no script reads it),
/// SameSite=Strict (no other site's page sends it), Path=/, Secure when the
/// server speaks TLS, and it lasts no longer than the session.
enum SessionCookie {
    static let name = "drover_session"

    static func value(in request: Request) -> String? {
        guard let value = request.cookies[name]?.value, !value.isEmpty else { return nil }
        return value
    }

    static func make(_ created: NewBrowserSession, now: Date, secure: Bool) -> Cookie {
        Cookie(name: name, value: created.secret, maxAge: max(0, Int(created.session.expiresAt.timeIntervalSince(now).rounded())), path: "/",
               secure: secure, httpOnly: true, sameSite: .strict)
    }

    /// Tells the browser to forget the cookie (logout, an ended session).
    static func cleared(secure: Bool) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .strict)
    }
}

/// Requests from other sites' pages.
enum CrossSite {
    /// Methods that change nothing (RFC 9110 safe methods): no CSRF token needed.
    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options
    }

    /// A login posted from another site's page (its `Origin` is not this
    /// server) would sign the browser in as the attacker's account: refused.
    /// Clients that send no Origin (curl, scripts) are not browsers' pages.
    static func refuseForeignOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let authority = origin.split(separator: "://", maxSplits: 1).last.map(String.init)
        guard origin != "null", let authority, authority.lowercased() == request.head.authority?.lowercased() else {
            throw APIError(.forbidden, .csrf, "a login from another site's page (Origin \(origin.prefix(80))) is refused: sign in from this server's own pages")
        }
    }
}
