import OrderedCollections

/// Every source of variables for one host at one task, merged in Ansible's
/// precedence (docs/variables.md); later layers win, whole values replace
/// (Ansible's default `hash_behaviour = replace`).
public struct VariableLayers: Sendable {
    public typealias Vars = OrderedDictionary<String, Value>

    /// Role defaults, dependencies before the roles that need them.
    public var roleDefaults: [Vars] = []
    /// `Inventory.variables(for:)`: inventory and playbook group_vars/host_vars.
    public var inventory: [String: Value] = [:]
    /// Gathered facts (`ansible_*`).
    public var facts: Vars = [:]
    public var playVars: Vars = [:]
    /// Each `vars_files` entry, in order.
    public var varsFiles: [Vars] = []
    /// Role vars, outer role first.
    public var roleVars: [Vars] = []
    /// Block vars, outermost block first.
    public var blockVars: [Vars] = []
    public var taskVars: Vars = [:]
    /// `include_vars` results and include parameters.
    public var includeVars: Vars = [:]
    /// `set_fact` and `register` results for the host.
    public var hostFacts: Vars = [:]
    /// Parameters of the role being run (`- role: x` with `port: 80`).
    public var roleParameters: Vars = [:]
    /// `-e`, which always wins.
    public var extraVars: Vars = [:]

    public init() {}

    /// The layers from lowest to highest precedence, named for messages.
    public var ordered: [(name: String, vars: Vars)] {
        var layers: [(String, Vars)] = roleDefaults.map { ("role defaults", $0) }
        layers.append(("inventory", Vars(uniqueKeysWithValues: inventory.sorted { $0.key < $1.key })))
        layers.append(("facts", facts))
        layers.append(("play vars", playVars))
        layers += varsFiles.map { ("vars_files", $0) }
        layers += roleVars.map { ("role vars", $0) }
        layers += blockVars.map { ("block vars", $0) }
        layers.append(("task vars", taskVars))
        layers.append(("include vars", includeVars))
        layers.append(("set_fact/register", hostFacts))
        layers.append(("role parameters", roleParameters))
        layers.append(("extra vars", extraVars))
        return layers
    }

    public func merged() -> Vars {
        var result = Vars()
        for (_, vars) in ordered {
            result.merge(vars) { _, new in new }
        }
        return result
    }

    /// Which layer a variable's value comes from (the highest that sets it).
    public func source(of name: String) -> String? {
        ordered.last { $0.vars[name] != nil }?.name
    }
}

extension Inventory {
    /// Ansible's magic variables that come from the inventory:
    /// `inventory_hostname`, `inventory_hostname_short`, `group_names`
    /// (sorted, without `all` and `ungrouped`) and `groups`.
    public func magicVariables(for hostName: String) -> OrderedDictionary<String, Value> {
        var groupsValue = OrderedDictionary<String, Value>()
        for name in groups.keys {
            groupsValue[name] = .list(hosts(inGroup: name).map(Value.string))
        }
        let names = groupDepths(of: hostName).keys.filter { $0 != "all" && $0 != "ungrouped" }.sorted()
        return [
            "inventory_hostname": .string(hostName),
            "inventory_hostname_short": .string(String(hostName.prefix { $0 != "." })),
            "group_names": .list(names.map(Value.string)),
            "groups": .dict(groupsValue),
        ]
    }
}
