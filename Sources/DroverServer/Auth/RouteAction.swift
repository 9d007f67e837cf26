/// What a request wants to do: the unit the authorization layer decides
/// on. Every route names exactly one (see `Gatekeeper.authorize`), so role
/// checks plug in without touching the routes.
public enum RouteAction: Sendable, Hashable, CustomStringConvertible {
    /// Liveness (`/healthz`): always allowed.
    case health
    /// `/metrics`.
    case readMetrics
    case readTemplates
    /// Run lists, details, results, output, events, JUnit.
    case readRuns
    case readHosts
    /// Start a run of this template.
    case launch(template: String)
    /// Stop this run (an operator may cancel their own).
    case cancel(run: Int64)
    /// Undo this run.
    case rollback(run: Int64)
    /// Re-read drover.yml.
    case reload
    case readAudit
    /// Users, tokens, everything else.
    case admin

    public var description: String {
        switch self {
        case .health: return "health"
        case .readMetrics: return "read_metrics"
        case .readTemplates: return "read_templates"
        case .readRuns: return "read_runs"
        case .readHosts: return "read_hosts"
        case .launch(let template): return "launch:\(template)"
        case .cancel(let run): return "cancel:\(run)"
        case .rollback(let run): return "rollback:\(run)"
        case .reload: return "reload"
        case .readAudit: return "read_audit"
        case .admin: return "admin"
        }
    }
}

/// Who a request acts for, as runs and logs record it (the store's
/// `Principal` is the user behind a token; this is what a route needs).
public struct Caller: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `--insecure-local`: anyone on this machine, no credentials.
        case insecureLocal = "insecure_local"
        /// `/healthz` and the like: nobody in particular.
        case anonymous
        /// A user of the store, by an API token (`drover tokens create`).
        case user
    }

    public var name: String
    public var kind: Kind

    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }
}
