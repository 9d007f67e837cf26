import Foundation

extension Inventory {
    /// Reads an inventory given like Ansible's `-i`: an INI file, or a comma
    /// list of hosts (`a,b,` — a trailing comma makes one host a list).
    public static func load(_ source: String) throws -> Inventory {
        var inventory = Inventory()
        if !FileManager.default.fileExists(atPath: source), source.contains(",") {
            for name in source.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                inventory.addHost(name, to: "ungrouped")
            }
            inventory.addChild("ungrouped", to: "all")
            return inventory
        }
        guard let data = FileManager.default.contents(atPath: source) else {
            throw InputError(.inventoryNotFound,
                "cannot read inventory \(source): give an existing INI file or a comma list like 'host1,host2,'")
        }
        let text = String(decoding: data, as: UTF8.self)
        try INIInventoryParser(path: source).parse(text, into: &inventory)
        return inventory
    }
}
