import Foundation

/// How long a browser session lives: it ends after `idleTimeout` without a
/// request, and after `absoluteLifetime` whatever its use (a stolen cookie
/// stops working within a working day even if it is kept busy).
public struct SessionPolicy: Sendable, Equatable {
    public var idleTimeout: TimeInterval = 60 * 60
    public var absoluteLifetime: TimeInterval = 12 * 60 * 60

    public init() {}

    public init(idleTimeout: TimeInterval, absoluteLifetime: TimeInterval) {
        self.idleTimeout = idleTimeout
        self.absoluteLifetime = absoluteLifetime
    }

    /// A session's last use is written at most this often, so a page that
    /// polls does not turn every read into a write; a tenth of the idle
    /// timeout keeps the timeout accurate to 10%.
    public var touchResolution: TimeInterval { min(60, idleTimeout / 10) }
}
