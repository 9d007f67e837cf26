import ArgumentParser
import DroverCore
import Foundation

/// `-i INVENTORY` (repeatable) and `--limit`, shared by every command that targets hosts.
struct InventoryOptions: ParsableArguments {
    @Option(name: [.short, .customLong("inventory")],
            help: "Inventory: an INI or YAML file, a directory of them, or a comma list like 'a,b,'. Repeatable.")
    var inventory: [String] = []

    @Option(name: [.short, .long], help: "Further limit the hosts with a pattern, or @FILE with one pattern per line.")
    var limit: String?

    func validate() throws {
        guard !inventory.isEmpty else { throw ValidationError("give an inventory with -i FILE (or -i 'host1,host2,')") }
    }

    /// An inventory that cannot be read is a failure (InputError), not a usage error.
    func load() throws -> Inventory {
        try Inventory.load(inventory)
    }

    /// The hosts matching `pattern` (and `--limit`), with their inventory vars.
    func selectHosts(_ pattern: String) throws -> [(name: String, vars: [String: Value])] {
        let loaded = try load()
        do {
            var names = try HostPattern.resolve(pattern, in: loaded)
            if let limit = try limitPattern() {
                let allowed = Set(try HostPattern.resolve(limit, in: loaded))
                names = names.filter(allowed.contains)
            }
            guard !names.isEmpty else {
                throw CommandFailure("no hosts matched `\(pattern)`\(limit.map { " with --limit \($0)" } ?? "")")
            }
            return names.map { ($0, loaded.variables(for: $0)) }
        } catch let error as InputError {
            throw CommandFailure("\(error.description) (inventory \(inventory.joined(separator: ", ")))")
        }
    }

    /// `--limit`, with `@file` read as one pattern per line (Ansible's retry files).
    private func limitPattern() throws -> String? {
        guard let limit, limit.hasPrefix("@") else { return limit }
        let path = String(limit.dropFirst())
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("cannot read the --limit file \(path): check that it exists and is readable")
        }
        let patterns = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !patterns.isEmpty else { throw CommandFailure("the --limit file \(path) names no hosts: put one host pattern per line") }
        return patterns.joined(separator: ",")
    }
}
