import DroverCore
import Testing

@Suite("Authorization: roles × actions, narrowed by token scope")
struct AuthorizationTests {
    @Test("an admin may do everything, to anyone's things", arguments: ServerAction.Kind.allCases)
    func adminDoesEverything(kind: ServerAction.Kind) {
        #expect(AccessSamples.allowed(.admin, AccessSamples.others(kind)))
        #expect(AccessSamples.allowed(.admin, AccessSamples.own(kind)))
    }

    @Test("every role reads runs, hosts and templates", arguments: UserRole.allCases)
    func everyoneReads(role: UserRole) {
        for kind in [ServerAction.Kind.readRuns, .readHosts, .readTemplates] {
            #expect(AccessSamples.allowed(role, AccessSamples.others(kind)), "\(role) \(kind)")
        }
    }

    @Test("an editor launches anything, cancels any run, rolls back and reloads, but neither approves, reads the audit log nor manages users")
    func editor() {
        for kind in [ServerAction.Kind.launch, .cancel, .rollback, .reloadConfig] {
            #expect(AccessSamples.allowed(.editor, AccessSamples.others(kind)), "\(kind)")
        }
        for kind in [ServerAction.Kind.approve, .readAudit, .manageUsers] {
            #expect(Authorization.decide(principal: AccessSamples.principal(.editor), action: AccessSamples.others(kind), grants: [])
                == .denied(.role(.editor, kind)))
        }
    }

    @Test("an operator launches only granted templates and cancels only their own runs")
    func operatorGrants() {
        let alice = AccessSamples.principal(.operator)
        #expect(Authorization.decide(principal: alice, action: .launch(template: "granted-job"), grants: ["granted-job"]) == .allowed)
        #expect(Authorization.decide(principal: alice, action: .launch(template: "other-job"), grants: ["granted-job"])
            == .denied(.templateNotGranted("other-job")))
        #expect(Authorization.decide(principal: alice, action: .launch(template: "granted-job"), grants: []) == .denied(.templateNotGranted("granted-job")))
        #expect(Authorization.decide(principal: alice, action: .cancel(runOwner: "alice"), grants: []) == .allowed)
        #expect(Authorization.decide(principal: alice, action: .cancel(runOwner: "bob"), grants: []) == .denied(.notOwner(.cancel, owner: "bob")))
        #expect(Authorization.decide(principal: alice, action: .rollback, grants: ["granted-job"]) == .denied(.role(.operator, .rollback)))
    }

    @Test("an approver approves; an auditor reads the audit log; neither launches")
    func approverAndAuditor() {
        #expect(AccessSamples.allowed(.approver, .approve))
        #expect(!AccessSamples.allowed(.approver, .readAudit))
        #expect(AccessSamples.allowed(.auditor, .readAudit))
        #expect(!AccessSamples.allowed(.auditor, .approve))
        for role in [UserRole.approver, .auditor] {
            #expect(!AccessSamples.allowed(role, .launch(template: "granted-job")), "\(role)")
            #expect(!AccessSamples.allowed(role, .cancel(runOwner: AccessSamples.me)), "\(role)")
        }
    }

    @Test("everyone manages their own tokens; only an admin manages another's", arguments: UserRole.allCases)
    func ownTokens(role: UserRole) {
        #expect(AccessSamples.allowed(role, .manageTokens(owner: AccessSamples.me)))
        #expect(AccessSamples.allowed(role, .manageTokens(owner: "bob")) == (role == .admin))
    }

    @Test("a token's scope only narrows: a read token of an admin reads but launches nothing")
    func scopeNarrows() {
        let reader = AccessSamples.principal(.admin, scope: .read)
        #expect(Authorization.decide(principal: reader, action: .readAudit, grants: []) == .allowed)
        #expect(Authorization.decide(principal: reader, action: .launch(template: "x"), grants: []) == .denied(.scope(.read, needs: .launch)))
        let launcher = AccessSamples.principal(.admin, scope: .launch)
        #expect(Authorization.decide(principal: launcher, action: .rollback, grants: []) == .allowed)
        #expect(Authorization.decide(principal: launcher, action: .manageUsers, grants: []) == .denied(.scope(.launch, needs: .admin)))
        // A launch token cannot mint itself a broader one.
        #expect(Authorization.decide(principal: launcher, action: .manageTokens(owner: AccessSamples.me), grants: [])
            == .denied(.scope(.launch, needs: .admin)))
    }

    @Test("an admin-scoped token grants no more than the user's role", arguments: UserRole.allCases, ServerAction.Kind.allCases)
    func scopeNeverWidens(role: UserRole, kind: ServerAction.Kind) {
        for action in [AccessSamples.own(kind), AccessSamples.others(kind)] {
            let withToken = AccessSamples.allowed(role, action, scope: .admin)
            #expect(withToken == AccessSamples.allowed(role, action), "\(role) \(action)")
            for scope in TokenScope.allCases where AccessSamples.allowed(role, action, scope: scope) {
                #expect(AccessSamples.allowed(role, action), "\(role) \(action) \(scope)")
            }
        }
    }

    @Test("denials say what to do, without naming secrets")
    func messages() {
        #expect(Authorization.DenialReason.scope(.read, needs: .launch).description.contains("--scope launch"))
        #expect(Authorization.DenialReason.templateNotGranted("deploy").description.contains("grants in drover.yml"))
        #expect(Authorization.DenialReason.role(.auditor, .launch).description == "the auditor role cannot launch templates; ask an admin for a role that can")
    }

    @Test("roles and scopes parse case-insensitively and reject unknown names with the list")
    func parsing() throws {
        #expect(try UserRole(parsing: "Operator") == .operator)
        #expect(try TokenScope(parsing: "ADMIN") == .admin)
        do {
            _ = try UserRole(parsing: "root")
            Issue.record("an unknown role was accepted")
        } catch {
            #expect(error.code == .unknownRole)
            #expect(error.message == "unknown role 'root': use one of admin, editor, operator, approver, auditor")
        }
        #expect(throws: InputError.self) { try TokenScope(parsing: "write") }
        #expect(TokenScope.read < .launch && TokenScope.launch < .admin)
    }
}
