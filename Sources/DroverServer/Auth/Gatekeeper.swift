import DroverCore
import DroverStore
import Hummingbird
import NIOCore

/// The one place that decides whether a request may do what it asks: every
/// route calls `authorize` once with its action.
///
/// A request with `Authorization: Bearer drv_…` acts as the token's user:
/// the store checks the token (unknown, expired, revoked, disabled user:
/// 401), then `Authorization.decide` checks the user's role and the
/// token's scope against the action, with the templates drover.yml grants
/// the user (403 with what to do). Without a token, `--insecure-local`
/// serves loopback as the user `local`; else 401. Sessions (browser
/// logins) are not built yet.
public struct Gatekeeper: Sendable {
    public var insecureLocal: Bool
    let store: Store
    let config: ConfigHolder

    public init(insecureLocal: Bool, store: Store, config: ConfigHolder) {
        self.insecureLocal = insecureLocal
        self.store = store
        self.config = config
    }

    public func authorize(_ request: Request, _ context: ServerContext, _ action: RouteAction) async throws -> Caller {
        if action == .health { return Caller(name: "anonymous", kind: .anonymous) }
        if let secret = BearerToken.parse(authorizationHeader: request.headers[.authorization]) {
            return try await authorize(token: secret, action)
        }
        guard insecureLocal else {
            throw APIError(.unauthorized, .unauthenticated,
                           "send an API token as `Authorization: Bearer drv_…` (an admin creates one with `drover tokens create --user NAME`)")
        }
        guard Self.isLoopback(context.remoteAddress) else {
            throw APIError(.unauthorized, .unauthenticated, "--insecure-local accepts requests from this machine (loopback) only")
        }
        return Caller(name: "local", kind: .insecureLocal)
    }

    private func authorize(token secret: String, _ action: RouteAction) async throws -> Caller {
        let principal: Principal
        do {
            principal = try await store.authenticateToken(secret)
        } catch let rejection as TokenRejection {
            throw APIError(.unauthorized, .unauthenticated, rejection.description)
        }
        let decision = Authorization.decide(principal: principal, action: try await accessAction(action),
                                            grants: config.config.templatesGranted(to: principal.name))
        if case .denied(let reason) = decision { throw APIError(.forbidden, .forbidden, reason.description) }
        return Caller(name: principal.name, kind: .user)
    }

    /// The route's action as the role matrix knows it (docs/server.md).
    private func accessAction(_ action: RouteAction) async throws -> ServerAction {
        switch action {
        case .health, .readMetrics, .readRuns: return .readRuns
        case .readTemplates: return .readTemplates
        case .readHosts: return .readHosts
        case .launch(let template): return .launch(template: template)
        case .cancel(let run):
            // Unknown runs are the route's 404 to give; the owner decides here.
            let owner = (try? await store.run(run).user) ?? ""
            return .cancel(runOwner: owner)
        case .rollback: return .rollback
        case .reload: return .reloadConfig
        case .readAudit: return .readAudit
        case .admin: return .manageUsers
        }
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }  // a Unix socket has none: not loopback TCP
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
