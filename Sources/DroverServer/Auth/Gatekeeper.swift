import DroverCore
import DroverStore
import Foundation
import Hummingbird
import NIOCore

/// The one place that decides whether a request may do what it asks: every
/// route calls `authorize` once with its action.
///
/// A request acts for a user by one of two credentials, tried in order:
/// `Authorization: Bearer drv_…` (an API token: its user's role narrowed
/// by its scope), or the `drover_session` cookie of a password login (the
/// whole role; a request that changes something must also carry the
/// session's CSRF token). The store checks the credential (unknown,
/// expired, revoked, disabled user: 401), then `Authorization.decide`
/// checks the role against the action, with the templates drover.yml
/// grants the user (403 with what to do). Without credentials,
/// `--insecure-local` serves loopback as the user `local`; else 401.
public struct Gatekeeper: Sendable {
    public var insecureLocal: Bool
    let store: Store
    let config: ConfigHolder
    let sessions: SessionPolicy
    /// Session cookies are `Secure` when clients come over TLS.
    let secureCookies: Bool
    /// Password logins: throttling, bcrypt, audit. One per server.
    let logins: LoginGate
    let clock: @Sendable () -> Date

    public init(settings: ServerSettings, store: Store, config: ConfigHolder, clock: @escaping @Sendable () -> Date = { Date() }) {
        insecureLocal = settings.insecureLocal
        self.store = store
        self.config = config
        sessions = settings.sessions
        secureCookies = settings.tls != nil
        logins = LoginGate(store: store, policy: settings.logins, clock: clock)
        self.clock = clock
    }

    public func authorize(_ request: Request, _ context: ServerContext, _ action: RouteAction) async throws -> Caller {
        switch action {
        case .health:
            return Caller(name: "anonymous", kind: .anonymous)
        case .login:
            try CrossSite.refuseForeignOrigin(request)
            return Caller(name: "anonymous", kind: .anonymous)
        default:
            break
        }
        if let secret = BearerToken.parse(authorizationHeader: request.headers[.authorization]) {
            return try await authorize(token: secret, action)
        }
        if let secret = SessionCookie.value(in: request) {
            return try await authorize(session: secret, request, action)
        }
        guard insecureLocal else {
            throw APIError(.unauthorized, .unauthenticated,
                           "send an API token as `Authorization: Bearer drv_…` (an admin creates one with `drover tokens create --user NAME`), "
                           + "or sign in with POST /api/v1/login")
        }
        guard Self.isLoopback(context.remoteAddress) else {
            throw APIError(.unauthorized, .unauthenticated, "--insecure-local accepts requests from this machine (loopback) only")
        }
        return Caller(name: "local", kind: .insecureLocal)
    }

    private func authorize(token secret: String, _ action: RouteAction) async throws -> Caller {
        let principal: Principal
        do {
            principal = try await store.authenticateToken(secret, now: clock())
        } catch let rejection as CredentialRejection {
            throw APIError(.unauthorized, .unauthenticated, rejection.description)
        }
        try await decide(principal, action)
        return Caller(name: principal.name, kind: .token, role: principal.role, scope: principal.scope)
    }

    /// A browser: the session must be live, and a request that changes
    /// something must prove it comes from a page of this server (the CSRF
    /// token only such a page can know) before the role is looked at.
    private func authorize(session secret: String, _ request: Request, _ action: RouteAction) async throws -> Caller {
        let session: BrowserSession
        do {
            session = try await store.authenticateSession(secret, policy: sessions, now: clock())
        } catch let rejection as CredentialRejection {
            var error = APIError(.unauthorized, .unauthenticated, rejection.description)
            error.endsSession = true
            throw error
        }
        if !CrossSite.isSafe(request.method) {
            guard CSRFToken.matches(try await CSRFToken.submitted(in: request), session: secret) else {
                throw APIError(.forbidden, .csrf, "this request changes something and was made with a session cookie: send the session's "
                               + "csrf_token (from POST /api/v1/login or GET /api/v1/me) as an X-CSRF-Token header or a csrf_token form field")
            }
        }
        try await decide(session.principal, action)
        var caller = Caller(name: session.principal.name, kind: .session, role: session.principal.role)
        caller.sessionID = session.id
        caller.csrfToken = CSRFToken.derive(session: secret)
        return caller
    }

    /// 403 unless the role matrix (docs/server.md) allows the action.
    private func decide(_ principal: Principal, _ action: RouteAction) async throws {
        guard let (serverAction, extraGrant) = try await accessAction(action, for: principal) else { return }
        var grants = config.config.templatesGranted(to: principal.name)
        if let extraGrant { grants.insert(extraGrant) }
        if case .denied(let reason) = Authorization.decide(principal: principal, action: serverAction, grants: grants) {
            throw APIError(.forbidden, .forbidden, reason.description)
        }
    }

    /// The route's action as the role matrix knows it, or nil when any
    /// authenticated caller may (who am I, sign out). A target that does
    /// not exist is decided as the caller's own, so the route's 404 (not a
    /// 403 naming nobody) answers whoever could act on it if it did.
    private func accessAction(_ action: RouteAction, for principal: Principal) async throws -> (ServerAction, extraGrant: String?)? {
        switch action {
        case .health, .login, .signedIn: return nil
        case .readMetrics, .readRuns: return (.readRuns, nil)
        case .readTemplates: return (.readTemplates, nil)
        case .readHosts: return (.readHosts, nil)
        case .launch(let template): return (.launch(template: template), nil)
        case .relaunch(let run):
            // A run no template launched is the route's 404 or 409; decide
            // on the role alone (as if granted) to let it say which.
            guard let template = try? await store.launch(of: run)?.template else { return (.launch(template: ""), "") }
            return (.launch(template: template), nil)
        case .cancel(let run):
            let owner = (try? await store.run(run).user) ?? principal.name
            return (.cancel(runOwner: owner), nil)
        case .rollback: return (.rollback, nil)
        case .reload: return (.reloadConfig, nil)
        case .readAudit: return (.readAudit, nil)
        case .manageUsers: return (.manageUsers, nil)
        case .manageTokens(let owner): return (.manageTokens(owner: owner ?? principal.name), nil)
        case .revokeToken(let id):
            let owner = (try? await store.token(id: id))?.user ?? principal.name
            return (.manageTokens(owner: owner), nil)
        }
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }  // a Unix socket has none: not loopback TCP
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}
