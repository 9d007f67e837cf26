import Yams

/// Reads Ansible's YAML inventory format:
/// `GROUP: {hosts: {HOST: {vars}}, vars: {…}, children: {GROUP: …}}`.
public struct YAMLInventoryParser {
    public let path: String

    public init(path: String) { self.path = path }

    static let groupKeys = ["hosts", "vars", "children"]

    public func parse(_ text: String, into inventory: inout Inventory) throws {
        guard let root = try YAML.compose(text, file: path) else { return }
        guard case .mapping(let groups) = root else {
            throw InputError(.inventorySyntax,
                "a YAML inventory is a mapping of group names (usually `all:`) to hosts, vars and children",
                at: YAML.location(of: root, in: path))
        }
        for (key, body) in groups {
            try parseGroup(try groupName(key), body, into: &inventory, depth: 0)
        }
    }

    private func groupName(_ node: Node) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty,
              !scalar.string.contains(where: { $0 == " " || $0 == ":" }) else {
            throw InputError(.inventorySyntax, "group names must be plain words without spaces or `:`",
                at: YAML.location(of: node, in: path))
        }
        return scalar.string
    }

    private func parseGroup(_ name: String, _ body: Node, into inventory: inout Inventory, depth: Int) throws {
        guard depth < 100 else {
            throw InputError(.inventorySyntax, "groups nested more than 100 levels deep", at: YAML.location(of: body, in: path))
        }
        inventory.ensureGroup(name)
        if case .scalar(let s) = body, s.string.isEmpty || s.string == "~" || s.string == "null" { return }
        guard case .mapping(let sections) = body else {
            throw InputError(.inventorySyntax,
                "group `\(name)` must be a mapping with `hosts`, `vars` and/or `children`", at: YAML.location(of: body, in: path))
        }
        for (key, value) in sections {
            let section = key.scalar?.string ?? ""
            switch section {
            case "hosts":
                for (hostNode, varsNode) in try mapping(value, what: "`hosts` of group \(name)") {
                    let vars = try variables(varsNode, what: "variables of a host in group \(name)")
                    for host in try hostNames(hostNode, vars: vars) {
                        inventory.addHost(host.name, vars: host.vars, to: name)
                    }
                }
            case "vars":
                inventory.setGroupVars(try variables(value, what: "`vars` of group \(name)"), for: name)
            case "children":
                for (childNode, childBody) in try mapping(value, what: "`children` of group \(name)") {
                    let child = try groupName(childNode)
                    guard child != name else {
                        throw InputError(.inventorySyntax, "group \(name) cannot be its own child", at: YAML.location(of: childNode, in: path))
                    }
                    // Added before its own children, as Ansible orders them.
                    inventory.ensureGroup(child)
                    inventory.addChild(child, to: name)
                    try parseGroup(child, childBody, into: &inventory, depth: depth + 1)
                }
            default:
                let hint = closestMatch(section, among: Self.groupKeys).map { "; did you mean `\($0)`?" } ?? ""
                throw InputError(.inventorySyntax,
                    "unexpected key `\(section)` in group `\(name)`: only `hosts`, `vars` and `children` are valid here\(hint)",
                    at: YAML.location(of: key, in: path))
            }
        }
    }

    /// A mapping's pairs; an empty value (`hosts:`) is an empty mapping.
    private func mapping(_ node: Node, what: String) throws -> [(Node, Node)] {
        switch node {
        case .mapping(let m): return m.map { ($0.key, $0.value) }
        case .scalar(let s) where s.string.isEmpty || s.string == "~" || s.string == "null": return []
        default:
            throw InputError(.inventorySyntax, "\(what) must be a mapping (`name:` entries)", at: YAML.location(of: node, in: path))
        }
    }

    private func variables(_ node: Node, what: String) throws -> [String: Value] {
        var result: [String: Value] = [:]
        for (key, value) in try mapping(node, what: what) {
            let name = key.scalar?.string ?? ""
            guard isValidVariableName(name) else {
                throw InputError(.inventorySyntax,
                    "`\(name)` is not a valid variable name: use letters, digits and underscores, not starting with a digit",
                    at: YAML.location(of: key, in: path))
            }
            result[name] = try YAML.value(value, file: path)
        }
        return result
    }

    private func hostNames(_ node: Node, vars: [String: Value]) throws -> [(name: String, vars: [String: Value])] {
        let at = YAML.location(of: node, in: path)
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw InputError(.inventorySyntax, "host names must be plain text", at: at)
        }
        var pattern = scalar.string
        var vars = vars
        if let (host, port) = try INIInventoryParser.splitPort(pattern, at: at) {
            pattern = host
            if vars["ansible_port"] == nil { vars["ansible_port"] = .int(port) }
        }
        do {
            return try HostRange.expand(pattern).map { ($0, vars) }
        } catch .malformed(let message) {
            throw InputError(.inventorySyntax, message, at: at)
        }
    }
}
