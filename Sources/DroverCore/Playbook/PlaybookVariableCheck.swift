import Foundation
import OrderedCollections

/// `drover check`'s static undefined-variable check: a variable that a task
/// reads, unguarded, and that nothing in the playbook, its roles, the
/// inventory or `-e` defines, would fail at run time.
///
/// Plays that include files or variables at run time (include_tasks,
/// include_role, include_vars) are skipped: what they define is only known
/// then. Names starting with `ansible_` (facts, connection settings) are
/// taken as defined.
public enum PlaybookVariableCheck {
    public static let magicNames: Set<String> = [
        "inventory_hostname", "inventory_hostname_short", "group_names", "groups", "hostvars", "playbook_dir",
        "inventory_dir", "inventory_file", "role_name", "role_path", "role_names", "omit", "item", "play_hosts",
        "environment", "lookup", "query", "q",
    ]

    /// Errors for every unguarded undefined variable, and the plays skipped.
    public static func check(_ playbook: Playbook, inventory: Inventory,
                             extraVars: Set<String>) -> (errors: [InputError], skipped: [Int]) {
        var inventoryNames = Set<String>()
        for host in inventory.hosts(inGroup: "all") { inventoryNames.formUnion(inventory.variables(for: host).keys) }
        var errors: [InputError] = []
        var skipped: [Int] = []
        var setInEarlierPlays = Set<String>()
        for (index, play) in playbook.plays.enumerated() {
            var known = magicNames.union(inventoryNames).union(extraVars).union(setInEarlierPlays)
            known.formUnion(play.vars.keys)
            var dynamic = play.varsFiles.contains { Template.containsTemplate($0) }
            for file in play.varsFiles { known.formUnion(varsFileNames(file, beside: playbook.path)) }
            func roles(_ references: [RoleReference]) -> [RoleReference] {
                references.flatMap { roles($0.role.dependencies) + [$0] }
            }
            let allRoles = roles(play.roles)
            for reference in allRoles {
                known.formUnion(reference.role.defaults.keys)
                known.formUnion(reference.role.vars.keys)
                known.formUnion(reference.parameters.keys)
            }
            var tasks: [Task] = []
            func collect(_ nodes: [TaskNode]) {
                for node in nodes {
                    switch node {
                    case .task(let task):
                        tasks.append(task)
                        if task.module == "include_vars" { dynamic = true }
                    case .include(let task):
                        tasks.append(task)
                        dynamic = true
                    case .block(let block):
                        if case .dict(let vars)? = block.keywords["vars"] { known.formUnion(vars.keys) }
                        collect(block.tasks)
                        collect(block.rescue)
                        collect(block.always)
                    }
                }
            }
            collect(play.preTasks + allRoles.flatMap(\.role.tasks) + play.tasks + play.postTasks)
            collect(play.handlers + allRoles.flatMap(\.role.handlers))
            for task in tasks {
                known.formUnion(definedNames(task))
            }
            setInEarlierPlays.formUnion(tasks.flatMap(definedNames))
            if dynamic {
                skipped.append(index + 1)
                continue
            }
            for task in tasks {
                let local = known.union(task.keywords["vars"]?.dictionaryKeys ?? [])
                errors += undefined(in: task, known: local)
            }
        }
        return (errors, skipped)
    }

    /// Names a task defines for later ones (register, set_fact, loop variables).
    static func definedNames(_ task: Task) -> Set<String> {
        var names = Set<String>()
        if let register = task.keywords["register"]?.text { names.insert(register) }
        if task.module == "set_fact" { names.formUnion(task.arguments.keys.filter { $0 != "cacheable" }) }
        if case .dict(let control)? = task.keywords["loop_control"] {
            if let v = control["loop_var"]?.text { names.insert(v) }
            if let v = control["index_var"]?.text { names.insert(v) }
        }
        return names
    }

    static let expressionKeywords: Set<String> = ["when", "changed_when", "failed_when", "until"]

    static func undefined(in task: Task, known: Set<String>) -> [InputError] {
        var errors: [InputError] = []
        func report(_ names: [Template.FreeName], field: String) {
            for free in names where !known.contains(free.name) && !free.name.hasPrefix("ansible_") {
                let hint = closestMatch(free.name, among: known).map { " (did you mean `\($0)`?)" } ?? ""
                errors.append(InputError(.undefinedVariable,
                    "`\(free.name)` is undefined in `\(field)` of task '\(task.displayName)'\(hint): define it (vars, "
                    + "inventory, register, set_fact, -e) or guard it with `\(free.name) | default(...)` or `\(free.name) is defined`",
                    at: task.location))
            }
        }
        func template(_ value: Value, field: String) {
            switch value {
            case .string(let s) where Template.containsTemplate(s):
                if let t = try? Template(source: s, name: task.location.file, line: task.location.line) { report(t.freeNames, field: field) }
            case .list(let items): items.forEach { template($0, field: field) }
            case .dict(let d): d.forEach { template($0.value, field: "\(field).\($0.key)") }
            default: break
            }
        }
        func expressions(_ value: Value, field: String) {
            for text in (value.listValue ?? [value]).map(\.text) where !text.isEmpty {
                let names = Template.containsTemplate(text)
                    ? ((try? Template(source: text, name: task.location.file, line: task.location.line))?.freeNames ?? [])
                    : ((try? Template.freeNames(inExpression: text, name: task.location.file, line: task.location.line)) ?? [])
                report(names, field: field)
            }
        }
        for (key, value) in task.keywords {
            if expressionKeywords.contains(key) { expressions(value, field: key) }
            else if key == "loop" || key.hasPrefix("with_") || key == "delegate_to" || key == "environment" { template(value, field: key) }
        }
        for (key, value) in task.arguments {
            if task.module == "assert" && key == "that" { expressions(value, field: "that"); continue }
            if task.module == "debug" && key == "var" { expressions(value, field: "var"); continue }
            template(value, field: key == "_raw_params" ? task.module : key)
        }
        return errors
    }

    static func varsFileNames(_ file: String, beside playbook: String) -> Set<String> {
        let path = file.hasPrefix("/") ? file : "\((playbook as NSString).deletingLastPathComponent)/\(file)"
        guard let data = FileManager.default.contents(atPath: path),
              let node = try? YAML.compose(String(decoding: data, as: UTF8.self), file: path),
              case .dict(let d)? = try? YAML.value(node, file: path) else { return [] }
        return Set(d.keys)
    }
}

extension Value {
    var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    var dictionaryKeys: [String]? {
        if case .dict(let d) = self { return Array(d.keys) }
        return nil
    }
}
