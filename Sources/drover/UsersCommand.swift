import ArgumentParser

/// `drover users`: the controller server's accounts.
struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Add, list and disable the controller server's users, or change a password.",
        subcommands: [UsersListCommand.self, UsersAddCommand.self, UsersPasswdCommand.self, UsersDisableCommand.self],
        defaultSubcommand: UsersListCommand.self
    )
}
