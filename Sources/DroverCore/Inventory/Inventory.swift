import OrderedCollections

/// Hosts, groups and their variables, as read from an Ansible inventory.
public struct Inventory: Sendable {
    public struct Host: Sendable, Equatable {
        public var name: String
        /// Set in the inventory file itself.
        public var vars: [String: Value]
        /// From `host_vars/NAME` next to the inventory (they win over `vars`).
        public var fileVars: [String: Value] = [:]
        /// From `host_vars/NAME` next to the playbook (they win over both).
        public var playbookVars: [String: Value] = [:]
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
        /// Set in the inventory file itself.
        public var vars: [String: Value] = [:]
        /// From `group_vars/NAME` next to the inventory.
        public var fileVars: [String: Value] = [:]
        /// From `group_vars/NAME` next to the playbook.
        public var playbookVars: [String: Value] = [:]
        public init(name: String) { self.name = name }
    }

    /// Every host, in the order first seen.
    public private(set) var hosts: [Host] = []
    /// Groups in the order first declared (`all` and `ungrouped` first, as in Ansible).
    public private(set) var groups: OrderedDictionary<String, Group> = ["all": Group(name: "all"), "ungrouped": Group(name: "ungrouped")]
    private var hostIndex: [String: Int] = [:]

    public init() {
        groups["all"]!.children = ["ungrouped"]
    }

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

    public mutating func setFileVars(_ vars: [String: Value], forGroup group: String, besidePlaybook: Bool = false) {
        if besidePlaybook {
            groups[group]?.playbookVars.merge(vars) { _, new in new }
        } else {
            groups[group]?.fileVars.merge(vars) { _, new in new }
        }
    }

    public mutating func setFileVars(_ vars: [String: Value], forHost host: String, besidePlaybook: Bool = false) {
        guard let index = hostIndex[host] else { return }
        if besidePlaybook {
            hosts[index].playbookVars.merge(vars) { _, new in new }
        } else {
            hosts[index].fileVars.merge(vars) { _, new in new }
        }
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
        // The host's groups: those listing it, and their ancestors.
        var parents: [String: [String]] = [:]
        for group in groups.values {
            for child in group.children { parents[child, default: []].append(group.name) }
        }
        var result: [String: Int] = ["all": 0]
        var pending = groups.values.filter { $0.hosts.contains(host) }.map(\.name)
        while let name = pending.popLast() {
            guard result[name] == nil || name == "all" else { continue }
            result[name] = depth[name] ?? 0
            pending += parents[name] ?? []
        }
        return result
    }

    /// A host's inventory variables in Ansible's precedence order, later
    /// winning: the inventory file's `all` vars, inventory group_vars/all,
    /// playbook group_vars/all, the other groups' inventory-file vars (shallow
    /// to deep, ties by name), their inventory group_vars, their playbook
    /// group_vars, the host's inventory-file vars, inventory host_vars,
    /// playbook host_vars.
    public func variables(for hostName: String) -> [String: Value] {
        var merged: [String: Value] = [:]
        func add(_ vars: [String: Value]) { merged.merge(vars) { _, new in new } }
        let all = groups["all"]
        add(all?.vars ?? [:])
        add(all?.fileVars ?? [:])
        add(all?.playbookVars ?? [:])
        let ordered = groupDepths(of: hostName).filter { $0.key != "all" }
            .sorted { ($0.value, $0.key) < ($1.value, $1.key) }.compactMap { groups[$0.key] }
        for group in ordered { add(group.vars) }
        for group in ordered { add(group.fileVars) }
        for group in ordered { add(group.playbookVars) }
        if let host = host(named: hostName) {
            add(host.vars)
            add(host.fileVars)
            add(host.playbookVars)
        }
        return merged
    }
}

extension Inventory {
    /// A group's hosts in Ansible's order: its own, then its descendants'
    /// (breadth first, children in the order they were added), without repeats.
    public func hosts(inGroup name: String) -> [String] {
        var result: [String] = []
        var seenHosts = Set<String>()
        var seenGroups: Set<String> = [name]
        var queue = [name]
        while !queue.isEmpty {
            let group = queue.removeFirst()
            for host in groups[group]?.hosts ?? [] where seenHosts.insert(host).inserted { result.append(host) }
            for child in groups[group]?.children ?? [] where seenGroups.insert(child).inserted { queue.append(child) }
        }
        return result
    }
}

extension Inventory {
    /// What Ansible does once every source is read: groups without a parent
    /// become children of `all` (in declaration order), hosts in no group
    /// join `ungrouped`, and hosts in a real group leave it.
    public mutating func reconcile() {
        for name in groups.keys where name != "all" && !isChildOfAnotherGroup(name) && !(groups["all"]!.children.contains(name)) {
            addChild(name, to: "all")
        }
        let inRealGroup = Set(groups.values.filter { $0.name != "all" && $0.name != "ungrouped" }.flatMap(\.hosts))
        var ungrouped = groups["ungrouped"]!
        ungrouped.hosts.removeAll(where: inRealGroup.contains)
        for host in hosts.map(\.name) where !inRealGroup.contains(host) && !ungrouped.hosts.contains(host) {
            ungrouped.hosts.append(host)
        }
        replaceGroup(ungrouped)
    }

    func isChildOfAnotherGroup(_ name: String) -> Bool {
        groups.values.contains { $0.name != "all" && $0.children.contains(name) }
    }
}
