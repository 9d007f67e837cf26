import OrderedCollections

extension Inventory {
    /// What `ansible-inventory --list` prints: every non-empty group with
    /// its direct hosts and children, and each host's merged variables
    /// under `_meta.hostvars` (hosts without variables left out).
    public func listing() -> Value {
        var result = OrderedDictionary<String, Value>()
        var seen = Set<String>()
        func add(_ name: String) {
            guard let group = groups[name] else { return }
            var entry = OrderedDictionary<String, Value>()
            if name != "all", !group.hosts.isEmpty { entry["hosts"] = .list(group.hosts.map(Value.string)) }
            if !group.children.isEmpty { entry["children"] = .list(group.children.map(Value.string)) }
            for child in group.children where seen.insert(child).inserted { add(child) }
            if !entry.isEmpty { result[name] = .dict(entry) }
        }
        add("all")
        var hostvars = OrderedDictionary<String, Value>()
        for host in hosts {
            let vars = variables(for: host.name)
            if !vars.isEmpty { hostvars[host.name] = .dict(OrderedDictionary(uniqueKeysWithValues: vars.sorted { $0.key < $1.key })) }
        }
        result["_meta"] = .dict(["hostvars": .dict(hostvars), "profile": .string("inventory_legacy")])
        return .dict(result)
    }

    /// What `ansible-inventory --graph [GROUP]` prints.
    public func graph(from top: String = "all") throws -> String {
        guard groups[top] != nil else {
            throw InputError(.badPattern, "--graph needs a group name; `\(top)` is not a group")
        }
        var lines: [String] = []
        func prefix(_ depth: Int) -> String { depth == 0 ? "" : String(repeating: "  |", count: depth) + "--" }
        func walk(_ name: String, _ depth: Int) {
            guard let group = groups[name], depth < 100 else { return }
            lines.append(prefix(depth) + "@\(name):")
            for child in group.children { walk(child, depth + 1) }
            if name != "all" {
                for host in group.hosts { lines.append(prefix(depth + 1) + host) }
            }
        }
        walk(top, 0)
        return lines.joined(separator: "\n")
    }
}
