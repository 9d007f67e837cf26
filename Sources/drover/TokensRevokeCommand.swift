import ArgumentParser
import DroverCore
import DroverStore

struct TokensRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke an API token: it stops working at once.")

    @Argument(help: "The token's id (drover tokens list).")
    var id: Int64

    func run() async throws {
        let store = try await StoreOptions.open()
        let token = try await store.revokeToken(id: id)
        try await store.appendAudit(actor: LocalActor.name, source: LocalActor.source, action: AuditAction.tokenRevoke,
                                    details: ["user": .string(token.user), "id": .int(Int(token.id))])
        Output.line("revoked token \(token.id) of \(token.user)")
    }
}
