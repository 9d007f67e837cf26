import DroverCore
import Foundation

/// A signed-in browser: who it acts for (the whole role, no token scope)
/// and until when at most. The cookie's text is not here: only the login
/// response carries it (`NewBrowserSession`).
public struct BrowserSession: Sendable, Equatable {
    /// The row id: what logout and the server's logs name, never the secret.
    public let id: Int64
    public let principal: Principal
    /// The absolute end; the idle timeout may end it sooner.
    public let expiresAt: Date
}

/// A session just created: the only time its secret exists outside the
/// browser's cookie jar.
public struct NewBrowserSession: Sendable {
    public let session: BrowserSession
    public let secret: String
}
