import ArgumentParser

@main
struct Drover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drover",
        abstract: "Run Ansible inventories and commands over SSH, fast.",
        discussion: "Exit status: 0 success, 1 an error (the message says what to fix), 2 a host failed, "
            + "4 a host was unreachable, 64 the command line is wrong, 130 cancelled; drover diff: 1 the runs differ, 2 an error.",
        version: DroverVersion.text,
        subcommands: [PingCommand.self, ExecCommand.self, InventoryCommand.self, CheckCommand.self, RunCommand.self, RunsCommand.self, ShowCommand.self,
                      LogsCommand.self, DiffCommand.self, ExportCommand.self, PruneCommand.self, RollbackCommand.self, LocksCommand.self,
                      UsersCommand.self, TokensCommand.self, AuditCommand.self, VersionCommand.self, CompletionCommand.self, ServeCommand.self,
                      RemoteCommand.self]
    )
}
