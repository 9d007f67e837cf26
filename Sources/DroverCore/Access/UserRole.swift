/// What a user may do on the controller server, before a token's scope
/// narrows it (`Authorization.decide`). Stored by its raw value.
public enum UserRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Everything, including users and the audit log.
    case admin
    /// Reloads the config, launches any template, cancels and rolls back runs.
    case editor
    /// Launches the templates granted to them and cancels their own runs.
    case `operator`
    /// Approves launches that need an approval.
    case approver
    /// Reads everything, the audit log included; changes nothing.
    case auditor

    /// Parses a role as typed on a command line or in drover.yml.
    public init(parsing text: String) throws(InputError) {
        guard let role = UserRole(rawValue: text.lowercased()) else {
            throw InputError(.unknownRole, "unknown role '\(text)': use one of "
                + UserRole.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = role
    }

    // Declaration order, so lists sort admins first.
    public static func < (lhs: UserRole, rhs: UserRole) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
