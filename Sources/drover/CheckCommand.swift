import ArgumentParser
import DroverCore
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a playbook without running it (like ansible-playbook --syntax-check, and stricter).",
        discussion: "Reads the playbook, its imports and roles, and checks every keyword, module and argument, and that every template in it and every template file it names parses; with -i also that each play's hosts pattern matches and that every variable a task reads is defined somewhere (or guarded by default / is defined). Nothing is contacted."
    )

    @OptionGroup var playbook: PlaybookOptions

    @Option(name: [.short, .customLong("inventory")], help: "Inventory, to check the plays' host patterns too.")
    var inventory: [String] = []

    func run() throws {
        let parsed = try playbook.parse()
        RunPreflight.warnIfEmpty(parsed)
        let templateErrors = PlaybookTemplateCheck.check(parsed)
        guard templateErrors.isEmpty else {
            throw CommandFailure(templateErrors.map(\.description).joined(separator: "\n"))
        }
        var loaded = inventory.isEmpty ? nil : try Inventory.load(inventory)
        if loaded != nil {
            try VarsDirectory.apply(beside: (parsed.path as NSString).deletingLastPathComponent, to: &loaded!, besidePlaybook: true)
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
                    throw CommandFailure("\(play.location): \(error.message)")
                }
            }
            Output.line(line)
        }
        if let loaded {
            let (errors, skipped) = PlaybookVariableCheck.check(parsed, inventory: loaded, extraVars: Set(try playbook.extraVariables().keys))
            for play in skipped {
                Output.line("play #\(play): variables not checked (it includes files or variables at run time)")
            }
            if !errors.isEmpty {
                throw CommandFailure(errors.map(\.description).joined(separator: "\n"))
            }
        } else {
            Output.line("variables not checked: give the inventory with -i to check them too")
        }
        Output.line("playbook: \(parsed.path): \(parsed.plays.count) play(s), \(taskCount) task(s), no errors")
    }
}
