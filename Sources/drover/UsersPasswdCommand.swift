import ArgumentParser
import DroverCore
import DroverStore

struct UsersPasswdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change a user's password: their browser sessions end; their API tokens stay valid (revoke them with drover tokens revoke)."
    )

    @Argument(help: "The user whose password to change.")
    var name: String

    @Flag(help: "Read the password from standard input instead of asking on the terminal.")
    var passwordStdin = false

    func run() async throws {
        let store = try await StoreOptions.open()
        guard try await store.user(named: name) != nil else { throw StoreError(.notFound, "no user is named '\(name)': drover users list shows them") }
        let password = try await PasswordInput.read(fromStdin: passwordStdin, for: name)
        try await store.setPassword(name: name, password: password)
        try await store.appendAudit(actor: LocalActor.name, source: LocalActor.source, action: AuditAction.userPassword, details: ["user": .string(name)])
        Output.line("changed the password of \(name)")
    }
}
