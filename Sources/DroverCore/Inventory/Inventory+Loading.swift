import Foundation

extension Inventory {
    /// Files in an inventory directory that Ansible skips (INVENTORY_IGNORE_EXTS).
    static let ignoredSuffixes = [".orig", ".cfg", ".retry", ".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst"]

    /// Reads inventories given like Ansible's `-i` (which may repeat): INI
    /// or YAML files, directories of them, or comma lists (`a,b,`; a
    /// trailing comma makes one host a list). Then applies `group_vars/` and
    /// `host_vars/` found beside each file or inside each directory.
    public static func load(_ sources: [String]) throws -> Inventory {
        var inventory = Inventory()
        var varsDirectories: [String] = []
        for source in sources {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) {
                if isDirectory.boolValue {
                    try loadDirectory(source, into: &inventory)
                    varsDirectories.append(source)
                } else {
                    try loadFile(source, into: &inventory)
                    varsDirectories.append((source as NSString).deletingLastPathComponent.isEmpty
                        ? "." : (source as NSString).deletingLastPathComponent)
                }
            } else if source.contains(",") {
                for name in source.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
                    inventory.addHost(name, to: "ungrouped")
                }
            } else {
                throw InputError(.inventoryNotFound,
                    "inventory \(source) does not exist: give an INI or YAML file, a directory, or a comma list like 'host1,host2,'")
            }
        }
        inventory.reconcile()
        for directory in varsDirectories {
            try VarsDirectory.apply(beside: directory, to: &inventory)
        }
        return inventory
    }

    public static func load(_ source: String) throws -> Inventory {
        try load([source])
    }

    static func loadFile(_ path: String, into inventory: inout Inventory) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.inventoryNotFound, "cannot read inventory \(path): check its permissions")
        }
        let text = String(decoding: data, as: UTF8.self)
        if [".yml", ".yaml", ".json"].contains(where: path.hasSuffix) {
            try YAMLInventoryParser(path: path).parse(text, into: &inventory)
        } else {
            try INIInventoryParser(path: path).parse(text, into: &inventory)
        }
    }

    static func loadDirectory(_ directory: String, into inventory: inout Inventory) throws {
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        for entry in entries where !entry.hasPrefix(".") && !ignoredSuffixes.contains(where: entry.hasSuffix) {
            if entry == "group_vars" || entry == "host_vars" { continue }
            let path = "\(directory)/\(entry)"
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                try loadDirectory(path, into: &inventory)
            } else {
                try loadFile(path, into: &inventory)
            }
        }
    }
}
