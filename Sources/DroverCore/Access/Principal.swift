/// Who a request acts for, once authenticated: the user, their role and,
/// for an API token, the token and its scope.
public struct Principal: Sendable, Equatable, Codable {
    public let userID: Int64
    public let name: String
    public let role: UserRole
    /// nil for a password login (a session): the whole role applies.
    public let scope: TokenScope?
    /// The API token the request came with, if it came with one.
    public let tokenID: Int64?

    public init(userID: Int64, name: String, role: UserRole, scope: TokenScope? = nil, tokenID: Int64? = nil) {
        self.userID = userID
        self.name = name
        self.role = role
        self.scope = scope
        self.tokenID = tokenID
    }
}
