import ArgumentParser
import DroverCore
import DroverStore

struct UsersDisableCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a user: their password and every API token stop working at once."
    )

    @Argument(help: "The user to disable.")
    var name: String

    func run() async throws {
        let store = try await StoreOptions.open()
        let account = try await store.disableUser(name: name)
        try await store.appendAudit(actor: LocalActor.name, source: LocalActor.source, action: AuditAction.userDisable, details: ["user": .string(account.name)])
        Output.line("disabled user \(account.name)")
    }
}
