import DroverCore

/// What a request wants to do: the unit the authorization layer decides
/// on. Every route names exactly one (see `Gatekeeper.authorize`), so role
/// checks plug in without touching the routes. docs/server.md's route
/// table lists which route names which.
public enum RouteAction: Sendable, Hashable, CustomStringConvertible {
    /// Liveness (`/healthz`), the OpenAPI document: always allowed.
    case health
    /// A password login: open to anyone (`LoginGate` throttles it), but
    /// not from another site's page.
    case login
    /// Who am I, sign out: any authenticated caller.
    case signedIn
    /// `/metrics`.
    case readMetrics
    case readTemplates
    /// Run lists, details, results, output, events, JUnit.
    case readRuns
    case readHosts
    /// Start a run of this template.
    case launch(template: String)
    /// Start this run's template again (a launch of that template).
    case relaunch(run: Int64)
    /// Stop this run (an operator may cancel their own).
    case cancel(run: Int64)
    /// Undo this run.
    case rollback(run: Int64)
    /// Re-read drover.yml.
    case reload
    case readAudit
    /// List, add and change users.
    case manageUsers
    /// List or create the API tokens of `owner`; nil: the caller's own.
    case manageTokens(owner: String?)
    /// Revoke API token `id` (its owner or an admin).
    case revokeToken(id: Int64)

    public var description: String {
        switch self {
        case .health: return "health"
        case .login: return "login"
        case .signedIn: return "signed_in"
        case .readMetrics: return "read_metrics"
        case .readTemplates: return "read_templates"
        case .readRuns: return "read_runs"
        case .readHosts: return "read_hosts"
        case .launch(let template): return "launch:\(template)"
        case .relaunch(let run): return "relaunch:\(run)"
        case .cancel(let run): return "cancel:\(run)"
        case .rollback(let run): return "rollback:\(run)"
        case .reload: return "reload"
        case .readAudit: return "read_audit"
        case .manageUsers: return "manage_users"
        case .manageTokens(let owner): return "manage_tokens:\(owner ?? "self")"
        case .revokeToken(let id): return "revoke_token:\(id)"
        }
    }
}

/// Who a request acts for, as runs and logs record it (the store's
/// `Principal` is the user behind a token or a session; this is what a
/// route needs).
public struct Caller: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `--insecure-local`: anyone on this machine, no credentials.
        case insecureLocal = "insecure_local"
        /// `/healthz`, a login and the like: nobody in particular yet.
        case anonymous
        /// A user of the store, by an API token (`drover tokens create`).
        case token
        /// A user of the store, by a browser session (`POST /api/v1/login`).
        case session
    }

    public var name: String
    public var kind: Kind
    /// The user's role (nil: not a user of the store).
    public var role: UserRole?
    /// A token's scope (nil: the whole role, or no user).
    public var scope: TokenScope?
    /// The session's row id, for logout.
    public var sessionID: Int64?
    /// The token a browser must send back with each state-changing request
    /// of this session (`X-CSRF-Token`).
    public var csrfToken: String?

    public init(name: String, kind: Kind, role: UserRole? = nil, scope: TokenScope? = nil) {
        self.name = name
        self.kind = kind
        self.role = role
        self.scope = scope
    }

    /// Whether this caller may act on every user's things (tokens): an
    /// admin with a whole role or an admin-scoped token, or `--insecure-local`.
    var isAdmin: Bool {
        kind == .insecureLocal || (role == .admin && (scope ?? .admin) == .admin)
    }
}
