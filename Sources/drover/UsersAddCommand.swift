import ArgumentParser
import DroverCore
import DroverStore

struct UsersAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user with a role; the password is asked twice, or read from stdin.",
        discussion: "Roles: admin, editor, operator, approver, auditor (docs/server.md has what each may do)."
    )

    @Argument(help: "The user's name: letters, digits, '.', '_' or '-'.")
    var name: String

    @Option(help: "admin, editor, operator, approver or auditor.")
    var role: String

    @Flag(help: "Read the password from standard input instead of asking on the terminal.")
    var passwordStdin = false

    func validate() throws {
        try Credentials.checkUserName(name)
        _ = try UserRole(parsing: role)
    }

    func run() async throws {
        let role = try UserRole(parsing: role)
        let store = try await StoreOptions.open()
        if try await store.user(named: name) != nil {  // before asking for a password that would be refused
            throw StoreError(.alreadyExists, "user '\(name)' already exists: pick another name, or change its password with drover users passwd \(name)")
        }
        let password = try await PasswordInput.read(fromStdin: passwordStdin, for: name)
        let account = try await store.addUser(name: name, password: password, role: role)
        try await store.appendAudit(actor: LocalActor.name, source: LocalActor.source, action: AuditAction.userAdd,
                                    details: ["user": .string(account.name), "role": .string(role.rawValue)])
        Output.line("added user \(account.name) (\(role.rawValue))")
    }
}
