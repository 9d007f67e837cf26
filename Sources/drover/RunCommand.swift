import ArgumentParser
import DroverCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a playbook (today: its listings; execution arrives with the engine).",
        discussion: "--list-hosts, --list-tasks and --list-tags print what ansible-playbook prints for them."
    )

    @OptionGroup var playbook: PlaybookOptions
    @OptionGroup var inventory: InventoryOptions

    @Flag(help: "List the hosts each play would run on.")
    var listHosts = false

    @Flag(help: "List the tasks each play would run.")
    var listTasks = false

    @Flag(help: "List the tags in use.")
    var listTags = false

    func validate() throws {
        guard listHosts || listTasks || listTags else {
            throw ValidationError("running playbooks is not implemented yet; use --list-hosts, --list-tasks or --list-tags, or `drover check`")
        }
    }

    func run() throws {
        let parsed = try playbook.parse()
        let loaded = try inventory.load()
        Output.line("\nplaybook: \(parsed.path)")
        for (index, play) in parsed.plays.enumerated() {
            let outline = play.outline()
            Output.line("\n  play #\(index + 1) (\(play.hosts)): \(play.name ?? "")\tTAGS: [\(play.tags.joined(separator: ", "))]")
            if listHosts {
                let hosts: [String]
                do {
                    hosts = try HostPattern.resolve(play.hosts, in: loaded)
                } catch let error as InputError {
                    throw ValidationError("\(play.location): \(error.message)")
                }
                Output.line("    pattern: ['\(play.hosts)']")
                Output.line("    hosts (\(hosts.count)):")
                for host in hosts { Output.line("      \(host)") }
            }
            if listTasks {
                Output.line("    tasks:")
                for task in outline { Output.line("      \(task.title)\tTAGS: [\(task.tags.joined(separator: ", "))]") }
            }
            if listTags {
                let tags = Set(outline.flatMap(\.tags)).union(play.tags).sorted()
                Output.line("      TASK TAGS: [\(tags.joined(separator: ", "))]")
            }
        }
    }
}
