import ArgumentParser
import DroverCore
import OrderedCollections

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Show an inventory as Drover reads it (like ansible-inventory).",
        discussion: "--list prints the same JSON as `ansible-inventory --list`, so the two can be diffed."
    )

    @OptionGroup var inventory: InventoryOptions

    @Flag(help: "All groups and hosts with their variables, as JSON.")
    var list = false

    @Flag(help: "The group tree (from GROUP, default all).")
    var graph = false

    @Option(help: "One host's variables, as JSON.")
    var host: String?

    @Argument(help: "With --graph: the group to start from.")
    var group: String = "all"

    func validate() throws {
        guard [list, graph, host != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --list, --graph or --host HOST")
        }
    }

    func run() throws {
        let loaded = try inventory.load()
        if list {
            Output.line(loaded.listing().jsonText(indent: 4, sortKeys: true))
        } else if graph {
            Output.line(try loaded.graph(from: group))
        } else if let host {
            guard loaded.host(named: host) != nil else {
                throw CommandFailure("host `\(host)` is not in the inventory: `drover inventory -i … --list` lists its hosts")
            }
            let vars = loaded.variables(for: host)
            Output.line(Value.dict(OrderedDictionary(uniqueKeysWithValues: vars.sorted { $0.key < $1.key })).jsonText(indent: 4, sortKeys: true))
        }
    }
}
