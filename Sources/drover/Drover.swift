import ArgumentParser

@main
struct Drover: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drover",
        abstract: "Run Ansible inventories and commands over SSH, fast.",
        subcommands: [PingCommand.self, ExecCommand.self, InventoryCommand.self, CheckCommand.self, RunCommand.self, RunsCommand.self, ShowCommand.self,
                      LogsCommand.self, DiffCommand.self, ExportCommand.self, PruneCommand.self, RollbackCommand.self, LocksCommand.self, ServeCommand.self]
    )
}
