/// Something a request asks the controller server to do, with what the
/// decision depends on (the template launched, whose run or token it is).
/// Every route maps to exactly one action.
public enum ServerAction: Sendable, Hashable {
    case readRuns
    case readHosts
    case readTemplates
    /// A launch (or relaunch) of the template of that name.
    case launch(template: String)
    /// Cancelling a run started by `runOwner`.
    case cancel(runOwner: String)
    case rollback
    case reloadConfig
    case approve
    case readAudit
    /// Adding, disabling and changing the password of users.
    case manageUsers
    /// Creating, listing and revoking the API tokens of `owner`.
    case manageTokens(owner: String)

    /// The action without its parameters: one row of the role matrix
    /// (docs/server.md), and the name the audit log and errors use.
    public enum Kind: String, Sendable, CaseIterable {
        case readRuns, readHosts, readTemplates, launch, cancel, rollback, reloadConfig, approve, readAudit, manageUsers, manageTokens
    }

    /// The action of `kind` on `owner`'s run or tokens, or on `template`
    /// for a launch: one cell of the role matrix, as docs/server.md's
    /// tables (and the tests that walk them) spell it.
    public init(_ kind: Kind, owner: String, template: String) {
        switch kind {
        case .readRuns: self = .readRuns
        case .readHosts: self = .readHosts
        case .readTemplates: self = .readTemplates
        case .launch: self = .launch(template: template)
        case .cancel: self = .cancel(runOwner: owner)
        case .rollback: self = .rollback
        case .reloadConfig: self = .reloadConfig
        case .approve: self = .approve
        case .readAudit: self = .readAudit
        case .manageUsers: self = .manageUsers
        case .manageTokens: self = .manageTokens(owner: owner)
        }
    }

    public var kind: Kind {
        switch self {
        case .readRuns: .readRuns
        case .readHosts: .readHosts
        case .readTemplates: .readTemplates
        case .launch: .launch
        case .cancel: .cancel
        case .rollback: .rollback
        case .reloadConfig: .reloadConfig
        case .approve: .approve
        case .readAudit: .readAudit
        case .manageUsers: .manageUsers
        case .manageTokens: .manageTokens
        }
    }
}

extension ServerAction.Kind {
    /// The narrowest token scope that may ask for this action.
    public var requiredScope: TokenScope {
        switch self {
        case .readRuns, .readHosts, .readTemplates, .readAudit: .read
        case .launch, .cancel, .rollback, .approve: .launch
        // Minting tokens needs admin scope, so a leaked launch token cannot
        // mint itself a broader one.
        case .reloadConfig, .manageUsers, .manageTokens: .admin
        }
    }
}
