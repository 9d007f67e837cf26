import ArgumentParser
import DroverCore

/// `-i INVENTORY` and `--limit`, shared by every command that targets hosts.
struct InventoryOptions: ParsableArguments {
    @Option(name: [.short, .customLong("inventory")], help: "Inventory file (Ansible INI) or a comma list like 'a,b,'.")
    var inventory: String

    @Option(name: [.short, .long], help: "Further limit the hosts with a pattern.")
    var limit: String?

    /// The hosts matching `pattern` (and `--limit`), with their inventory vars.
    func selectHosts(_ pattern: String) throws -> [(name: String, vars: [String: Value])] {
        let loaded: Inventory
        do {
            loaded = try Inventory.load(inventory)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
        do {
            var names = try HostPattern.resolve(pattern, in: loaded)
            if let limit {
                let allowed = Set(try HostPattern.resolve(limit, in: loaded))
                names = names.filter(allowed.contains)
            }
            guard !names.isEmpty else {
                throw ValidationError("no hosts matched `\(pattern)`\(limit.map { " with --limit \($0)" } ?? "")")
            }
            return names.map { ($0, loaded.variables(for: $0)) }
        } catch let error as InputError {
            throw ValidationError("\(error.description) (inventory \(inventory))")
        }
    }
}
