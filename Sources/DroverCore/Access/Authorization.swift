/// The one authorization decision of the controller server, as a pure
/// function: the role × action matrix of docs/server.md (a test checks the
/// two agree), narrowed by the token's scope.
public enum Authorization {
    public enum Decision: Sendable, Equatable {
        case allowed
        case denied(DenialReason)
    }

    public enum DenialReason: Sendable, Equatable, CustomStringConvertible {
        /// The role never allows this kind of action.
        case role(UserRole, ServerAction.Kind)
        /// An operator launching a template not granted to them.
        case templateNotGranted(String)
        /// An operator cancelling someone else's run, or anyone but an
        /// admin managing someone else's tokens.
        case notOwner(ServerAction.Kind, owner: String)
        /// The role would allow it, the token's scope does not.
        case scope(TokenScope, needs: TokenScope)

        public var description: String {
            switch self {
            case .role(let role, let kind):
                "the \(role.rawValue) role cannot \(kind.phrase); ask an admin for a role that can"
            case .templateNotGranted(let template):
                "template '\(template)' is not granted to you; ask an admin to add you to its grants in drover.yml"
            case .notOwner(let kind, let owner):
                "only \(owner) or an admin can \(kind.phrase) of \(owner)"
            case .scope(let scope, let needs):
                "this token's scope is \(scope.rawValue); \(needs.rawValue) is needed: create a token with --scope \(needs.rawValue)"
            }
        }
    }

    /// What each role may do; `grants` are the templates the principal may
    /// launch as an operator (from drover.yml's grants for their name).
    public static func decide(principal: Principal, action: ServerAction, grants: Set<String>) -> Decision {
        let needed = action.kind.requiredScope
        if let scope = principal.scope, scope < needed {
            return .denied(.scope(scope, needs: needed))
        }
        return decide(role: principal.role, name: principal.name, action: action, grants: grants)
    }

    /// The decision of the role alone (a password session, or before the
    /// scope check).
    static func decide(role: UserRole, name: String, action: ServerAction, grants: Set<String>) -> Decision {
        let denied = Decision.denied(.role(role, action.kind))
        switch (role, action) {
        case (.admin, _):
            return .allowed
        case (_, .readRuns), (_, .readHosts), (_, .readTemplates):
            return .allowed
        case (_, .manageTokens(let owner)):
            return owner == name ? .allowed : .denied(.notOwner(.manageTokens, owner: owner))
        case (.editor, .launch), (.editor, .cancel), (.editor, .rollback), (.editor, .reloadConfig):
            return .allowed
        case (.operator, .launch(let template)):
            return grants.contains(template) ? .allowed : .denied(.templateNotGranted(template))
        case (.operator, .cancel(let owner)):
            return owner == name ? .allowed : .denied(.notOwner(.cancel, owner: owner))
        case (.approver, .approve), (.auditor, .readAudit):
            return .allowed
        default:
            return denied
        }
    }
}

extension ServerAction.Kind {
    /// "cannot …" in a sentence.
    var phrase: String {
        switch self {
        case .readRuns: "read runs"
        case .readHosts: "read hosts"
        case .readTemplates: "read templates"
        case .launch: "launch templates"
        case .cancel: "cancel runs"
        case .rollback: "roll runs back"
        case .reloadConfig: "reload the config"
        case .approve: "approve launches"
        case .readAudit: "read the audit log"
        case .manageUsers: "manage users"
        case .manageTokens: "manage the API tokens"
        }
    }
}
