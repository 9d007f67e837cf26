import DroverCore
import Foundation
import OrderedCollections

extension PlayRunner {
    /// A host's variables for a task, in Ansible's precedence, plus the
    /// magic variables.
    func variables(for host: String, task: Task, scope: ExecutionScope, snapshot: HostVarsSnapshot) -> RunVariables {
        let state = hosts[host]!
        var layers = VariableLayers()
        layers.roleDefaults = scope.roleDefaults
        layers.inventory = state.inventoryVars
        layers.facts = state.facts
        layers.playVars = playVars
        layers.varsFiles = varsFiles
        layers.roleVars = scope.roleVars
        layers.blockVars = scope.blockVars
        if case .dict(let vars)? = task.keywords["vars"] { layers.taskVars = vars }
        layers.includeVars = state.includedVars
        layers.hostFacts = state.hostFacts
        layers.roleParameters = scope.roleParameters
        layers.extraVars = options.extraVars
        var merged = layers.merged()
        // Facts are also reachable as ansible_facts.NAME without the prefix.
        var factsDict = OrderedDictionary<String, Value>()
        for (key, value) in state.facts { factsDict[key.hasPrefix("ansible_") ? String(key.dropFirst(8)) : key] = value }
        let names = inventory.groupDepths(of: host).keys.filter { $0 != "all" && $0 != "ungrouped" }.sorted()
        let magic: OrderedDictionary<String, Value> = [
            "inventory_hostname": .string(host),
            "inventory_hostname_short": .string(String(host.prefix { $0 != "." })),
            "group_names": .list(names.map(Value.string)),
            "groups": groupsValue,
            "ansible_facts": .dict(factsDict),
            "playbook_dir": .string(playbookDirectory),
            "inventory_dir": .null,
            "ansible_play_hosts": .list(playHosts.filter { hosts[$0]?.isActive ?? false }.map(Value.string)),
            "ansible_play_hosts_all": .list(playHosts.map(Value.string)),
            "ansible_play_batch": .list(batch.filter { hosts[$0]?.isActive ?? false }.map(Value.string)),
            "play_hosts": .list(batch.filter { hosts[$0]?.isActive ?? false }.map(Value.string)),
            "ansible_play_name": .string(play.name ?? play.hosts),
            "ansible_check_mode": .bool(options.checkMode),
            "ansible_diff_mode": .bool(options.diffMode),
            "ansible_version": .dict(["full": .string("2.19.0"), "major": .int(2), "minor": .int(19), "revision": .int(0), "string": .string("2.19.0")]),
            "omit": .string(omitPlaceholder),
        ]
        for (key, value) in magic where merged[key] == nil || key == "inventory_hostname" || key == "groups" {
            merged[key] = value
        }
        if let role = scope.roleName {
            merged["role_name"] = .string(role)
            merged["role_path"] = scope.rolePath.map(Value.string) ?? .null
        }
        var searchPaths = [playbookDirectory]
        if let rolePath = scope.rolePath { searchPaths.insert(rolePath, at: 0) }
        return RunVariables(variables: merged, allHosts: snapshot, checkMode: options.checkMode, searchPaths: searchPaths,
                            controllerAccess: options.controllerAccess)
    }

    /// `hostvars`: every play host's inventory vars, facts and set_facts.
    func hostVarsSnapshot() -> HostVarsSnapshot {
        let all = inventory.hosts(inGroup: "all")
        return HostVarsSnapshot(hosts: all.map { name in
            var vars = OrderedDictionary<String, Value>()
            if let state = hosts[name] {
                for key in state.inventoryVars.keys.sorted() { vars[key] = state.inventoryVars[key] }
                vars.merge(state.facts) { _, new in new }
                vars.merge(state.hostFacts) { _, new in new }
            } else if let cached = outsideHostVars[name] {
                vars = cached
            } else {
                let inv = inventory.variables(for: name)
                for key in inv.keys.sorted() { vars[key] = inv[key] }
                outsideHostVars[name] = vars
            }
            vars["inventory_hostname"] = .string(name)
            return (name, vars)
        })
    }
}
