/// Hosts, groups and their variables, as read from an Ansible inventory.
public struct Inventory: Sendable {
    public struct Host: Sendable, Equatable {
        public var name: String
        public var vars: [String: Value]
        public init(name: String, vars: [String: Value] = [:]) {
            self.name = name
            self.vars = vars
        }
    }

    public struct Group: Sendable, Equatable {
        public var name: String
        /// Direct members, in file order.
        public var hosts: [String] = []
        public var children: [String] = []
        public var vars: [String: Value] = [:]
        public init(name: String) { self.name = name }
    }

    /// Every host, in the order first seen.
    public private(set) var hosts: [Host] = []
    public private(set) var groups: [String: Group] = ["all": Group(name: "all"), "ungrouped": Group(name: "ungrouped")]
    private var hostIndex: [String: Int] = [:]

    public init() {}

    public func host(named name: String) -> Host? {
        hostIndex[name].map { hosts[$0] }
    }

    public mutating func addHost(_ name: String, vars: [String: Value] = [:], to group: String) {
        if let index = hostIndex[name] {
            hosts[index].vars.merge(vars) { _, new in new }
        } else {
            hostIndex[name] = hosts.count
            hosts.append(Host(name: name, vars: vars))
        }
        ensureGroup(group)
        if !groups[group]!.hosts.contains(name) { groups[group]!.hosts.append(name) }
    }

    public mutating func ensureGroup(_ name: String) {
        if groups[name] == nil { groups[name] = Group(name: name) }
    }

    public mutating func addChild(_ child: String, to parent: String) {
        ensureGroup(parent)
        ensureGroup(child)
        if !groups[parent]!.children.contains(child) { groups[parent]!.children.append(child) }
    }

    mutating func replaceGroup(_ group: Group) {
        groups[group.name] = group
    }

    public mutating func setGroupVars(_ vars: [String: Value], for group: String) {
        ensureGroup(group)
        groups[group]!.vars.merge(vars) { _, new in new }
    }

    /// Hosts in `group` and all its descendants, in inventory order.
    public func hosts(inGroup group: String) -> [String] {
        if group == "all" { return hosts.map(\.name) }
        var members = Set<String>()
        var seen = Set<String>()
        var pending = [group]
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let g = groups[name] else { continue }
            members.formUnion(g.hosts)
            pending.append(contentsOf: g.children)
        }
        return hosts.map(\.name).filter(members.contains)
    }

    /// The groups a host belongs to, directly or through children, with their
    /// depth below `all` (Ansible applies shallower groups' vars first).
    public func groupDepths(of host: String) -> [String: Int] {
        var depth: [String: Int] = ["all": 0]
        var frontier = ["all"]
        var level = 0
        while !frontier.isEmpty {
            level += 1
            var next: [String] = []
            for name in frontier {
                for child in groups[name]?.children ?? [] where (depth[child] ?? -1) < level {
                    depth[child] = level
                    next.append(child)
                }
            }
            frontier = next
            if level > groups.count { break }  // a cycle: stop, the parser reports it
        }
        var result: [String: Int] = ["all": 0]
        for (name, d) in depth where name != "all" && hosts(inGroup: name).contains(host) {
            result[name] = d
        }
        return result
    }

    /// Inventory variables of a host: group vars from `all` down to the
    /// deepest group (ties by name), then the host's own vars.
    public func variables(for hostName: String) -> [String: Value] {
        var merged: [String: Value] = [:]
        let ordered = groupDepths(of: hostName).sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (group, _) in ordered {
            merged.merge(groups[group]?.vars ?? [:]) { _, new in new }
        }
        merged.merge(host(named: hostName)?.vars ?? [:]) { _, new in new }
        return merged
    }
}
