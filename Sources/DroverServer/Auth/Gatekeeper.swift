import Hummingbird
import NIOCore

/// The one place that decides whether a request may do what it asks.
///
/// NOT FINISHED (issue 13, auth slice): there are no users, tokens or roles
/// yet. Until they land, the server accepts requests only from loopback
/// and only when started with `--insecure-local`; anything else is 401.
/// The auth work replaces the body of `authorize` (token or session →
/// user → role × `ServerAction`, 403 when the role forbids it, grants from
/// `JobTemplate.grants`) and records the decision in the audit log; the
/// routes already call it once each with their action.
public struct Gatekeeper: Sendable {
    public var insecureLocal: Bool

    public init(insecureLocal: Bool) {
        self.insecureLocal = insecureLocal
    }

    public func authorize(_ request: Request, _ context: ServerContext, _ action: ServerAction) async throws -> Principal {
        if action == .health { return Principal(name: "anonymous", kind: .anonymous) }
        guard insecureLocal else {
            throw APIError(.unauthorized, .unauthenticated,
                           "authentication is not available yet: start the server with --insecure-local to use it from this machine")
        }
        guard Self.isLoopback(context.remoteAddress) else {
            throw APIError(.unauthorized, .unauthenticated, "--insecure-local accepts requests from this machine (loopback) only")
        }
        return Principal(name: "local", kind: .insecureLocal)
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }  // a Unix socket has none: not loopback TCP
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
