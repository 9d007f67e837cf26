import ArgumentParser
import DroverCore

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a playbook without running it (like ansible-playbook --syntax-check, and stricter).",
        discussion: "Reads the playbook, its imports and roles, and checks every keyword, module and argument; with -i also that each play's hosts pattern matches. Nothing is contacted."
    )

    @OptionGroup var playbook: PlaybookOptions

    @Option(name: [.short, .customLong("inventory")], help: "Inventory, to check the plays' host patterns too.")
    var inventory: [String] = []

    func run() throws {
        let parsed = try playbook.parse()
        let loaded: Inventory?
        do {
            loaded = inventory.isEmpty ? nil : try Inventory.load(inventory)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
        var taskCount = 0
        for (index, play) in parsed.plays.enumerated() {
            let tasks = play.outline().count
            taskCount += tasks
            var line = "play #\(index + 1) (\(play.hosts)): \(play.name ?? "")  \(tasks) task(s)"
            if let loaded {
                do {
                    line += ", \(try HostPattern.resolve(play.hosts, in: loaded).count) host(s)"
                } catch let error as InputError {
                    throw ValidationError("\(play.location): \(error.message)")
                }
            }
            Output.line(line)
        }
        Output.line("playbook: \(parsed.path): \(parsed.plays.count) play(s), \(taskCount) task(s), no errors")
    }
}
