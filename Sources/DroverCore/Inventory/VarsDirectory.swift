import Foundation

/// Loads `group_vars/` and `host_vars/` beside an inventory: for a name,
/// the file `NAME`, `NAME.yml`, `NAME.yaml` or `NAME.json`, and every such
/// file inside a directory `NAME/` (recursively, in name order), merged.
public enum VarsDirectory {
    static let extensions = ["", ".yml", ".yaml", ".json"]

    /// - Parameter besidePlaybook: the playbook's own group_vars/host_vars,
    ///   which rank above the inventory's.
    public static func apply(beside directory: String, to inventory: inout Inventory, besidePlaybook: Bool = false) throws {
        for group in inventory.groups.keys.sorted() {
            let vars = try load(name: group, in: "\(directory)/group_vars")
            if !vars.isEmpty { inventory.setFileVars(vars, forGroup: group, besidePlaybook: besidePlaybook) }
        }
        for host in inventory.hosts.map(\.name) {
            let vars = try load(name: host, in: "\(directory)/host_vars")
            if !vars.isEmpty { inventory.setFileVars(vars, forHost: host, besidePlaybook: besidePlaybook) }
        }
    }

    static func load(name: String, in directory: String) throws -> [String: Value] {
        let manager = FileManager.default
        var merged: [String: Value] = [:]
        for ext in extensions {
            let path = "\(directory)/\(name)\(ext)"
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue ? try filesBelow(path) : [path]
            for file in files {
                merged.merge(try variablesFile(file)) { _, new in new }
            }
        }
        return merged
    }

    private static func filesBelow(_ directory: String) throws -> [String] {
        let manager = FileManager.default
        var result: [String] = []
        for entry in try manager.contentsOfDirectory(atPath: directory).sorted() where !entry.hasPrefix(".") {
            let path = "\(directory)/\(entry)"
            var isDirectory: ObjCBool = false
            _ = manager.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                result += try filesBelow(path)
            } else if extensions.contains(where: { !$0.isEmpty && entry.hasSuffix($0) }) || !entry.contains(".") {
                result.append(path)
            }
        }
        return result
    }

    /// A YAML (or JSON) file holding one mapping of variables.
    public static func variablesFile(_ path: String) throws -> [String: Value] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.inventoryNotFound, "cannot read variables file \(path): check its permissions")
        }
        guard let root = try YAML.compose(String(decoding: data, as: UTF8.self), file: path) else { return [:] }
        guard case .dict(let dict) = try YAML.value(root, file: path) else {
            throw InputError(.inventorySyntax, "a variables file must hold one mapping of `name: value` entries",
                at: YAML.location(of: root, in: path))
        }
        var result: [String: Value] = [:]
        for (key, value) in dict { result[key] = value }
        return result
    }
}
