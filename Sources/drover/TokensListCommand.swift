import ArgumentParser
import DroverStore
import Foundation

struct TokensListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List API tokens (never their text), oldest first.")

    @Option(help: "Only the tokens of this user.")
    var user: String?

    func run() async throws {
        let store = try await StoreOptions.open()
        let tokens = try await store.tokens(user: user)
        guard !tokens.isEmpty else {
            Output.line("no API tokens: create one with drover tokens create --user NAME")
            return
        }
        let widths = [6, 20, 8, 9, 21, 21]
        Output.line(Table.row(["ID", "USER", "SCOPE", "STATE", "CREATED", "EXPIRES", "LAST USED"], widths: widths))
        let now = Date()
        for token in tokens {
            Output.line(Table.row([String(token.id), token.user, token.scope.rawValue, token.state(at: now), Table.time(token.createdAt),
                                   token.expiresAt.map(Table.time) ?? "never", token.lastUsedAt.map(Table.time) ?? "never"], widths: widths))
        }
    }
}
