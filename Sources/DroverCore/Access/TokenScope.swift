/// How much of its user's role an API token carries: `read` < `launch` <
/// `admin`. A token never grants more than its user's role; the scope only
/// takes away (a leaked read token cannot launch).
public enum TokenScope: String, Sendable, Codable, CaseIterable, Comparable {
    case read
    case launch
    case admin

    public init(parsing text: String) throws(InputError) {
        guard let scope = TokenScope(rawValue: text.lowercased()) else {
            throw InputError(.unknownScope, "unknown token scope '\(text)': use read, launch or admin")
        }
        self = scope
    }

    public static func < (lhs: TokenScope, rhs: TokenScope) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
