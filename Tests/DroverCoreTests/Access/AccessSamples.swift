import DroverCore

/// The two variants of each kind of action the matrix distinguishes: one
/// on the principal's own things (their run, their tokens, a template
/// granted to them), one on someone else's.
enum AccessSamples {
    static let me = "alice"
    static let grants: Set<String> = ["granted-job"]

    static func own(_ kind: ServerAction.Kind) -> ServerAction {
        ServerAction(kind, owner: me, template: "granted-job")
    }

    static func others(_ kind: ServerAction.Kind) -> ServerAction {
        ServerAction(kind, owner: "bob", template: "other-job")
    }

    static func principal(_ role: UserRole, scope: TokenScope? = nil) -> Principal {
        Principal(userID: 7, name: me, role: role, scope: scope, tokenID: scope == nil ? nil : 3)
    }

    static func allowed(_ role: UserRole, _ action: ServerAction, scope: TokenScope? = nil) -> Bool {
        Authorization.decide(principal: principal(role, scope: scope), action: action, grants: grants) == .allowed
    }
}
