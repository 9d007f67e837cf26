import ArgumentParser
import DroverStore

struct UsersListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the users, by name.")

    func run() async throws {
        let store = try await StoreOptions.open()
        let users = try await store.users()
        guard !users.isEmpty else {
            Output.line("no users yet: add one with drover users add NAME --role admin")
            return
        }
        Output.line(Table.row(["NAME", "ROLE", "STATE", "CREATED"], widths: [24, 10, 10]))
        for user in users {
            Output.line(Table.row([user.name, user.role.rawValue, user.disabled ? "disabled" : "active", Table.time(user.createdAt)],
                                  widths: [24, 10, 10]))
        }
    }
}
