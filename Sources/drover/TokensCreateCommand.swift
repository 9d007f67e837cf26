import ArgumentParser
import DroverCore
import DroverStore
import Foundation

struct TokensCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an API token for a user and print it, once.",
        discussion: """
            The token alone goes to standard output (TOKEN=$(drover tokens create …) works); \
            the store keeps only its SHA-256, so it cannot be shown again.
            """
    )

    @Option(help: "The user the token acts for.")
    var user: String

    @Option(help: "How long the token lives: 30d, 12h, 90m, 2w, or never.")
    var expires = "90d"

    @Option(help: "read, launch or admin: the most of the user's role the token may use.")
    var scope = "read"

    func validate() throws {
        _ = try ExpiryDuration.parse(expires)
        _ = try TokenScope(parsing: scope)
    }

    func run() async throws {
        let now = Date()
        let lifetime = try ExpiryDuration.parse(expires)
        let scope = try TokenScope(parsing: scope)
        let store = try await StoreOptions.open()
        let created = try await store.createToken(user: user, scope: scope, expiresAt: lifetime.map { now.addingTimeInterval($0) }, now: now)
        try await store.appendAudit(actor: LocalActor.name, source: LocalActor.source, action: AuditAction.tokenCreate,
                                    details: ["user": .string(created.token.user), "id": .int(Int(created.token.id)), "scope": .string(scope.rawValue),
                                              "expires_at": .string(created.token.expiresAt.map(Table.time) ?? "never")])
        let until = created.token.expiresAt.map { "expires \(Table.time($0))" } ?? "never expires"
        FileHandle.standardError.write(Data("token \(created.token.id) for \(created.token.user), scope \(scope.rawValue), \(until); store it now, it is not shown again:\n".utf8))
        Output.line(created.secret)
    }
}
