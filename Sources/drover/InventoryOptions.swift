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

    func load() throws -> Inventory {
        do {
            return try Inventory.load(inventory)
        } catch let error as InputError {
            throw ValidationError(error.description)
        }
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
                throw ValidationError("no hosts matched `\(pattern)`\(limit.map { " with --limit \($0)" } ?? "")")
            }
            return names.map { ($0, loaded.variables(for: $0)) }
        } catch let error as InputError {
            throw ValidationError("\(error.description) (inventory \(inventory.joined(separator: ", ")))")
        }
    }

    /// `--limit`, with `@file` read as one pattern per line (Ansible's retry files).
    private func limitPattern() throws -> String? {
        guard let limit, limit.hasPrefix("@") else { return limit }
        let path = String(limit.dropFirst())
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("cannot read the --limit file \(path)")
        }
        let patterns = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !patterns.isEmpty else { throw ValidationError("the --limit file \(path) names no hosts") }
        return patterns.joined(separator: ",")
    }
}
