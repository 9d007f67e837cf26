import DroverCore
import Foundation
import OrderedCollections

extension PlayRunner {
    /// The play's handlers and its roles', each with the scope it runs in.
    func allHandlers(_ scope: ExecutionScope) -> [(Task, ExecutionScope)] {
        var result: [(Task, ExecutionScope)] = []
        func collect(_ nodes: [TaskNode], _ scope: ExecutionScope) {
            for node in nodes {
                switch node {
                case .task(let task), .include(let task): result.append((task, scope))
                case .block(let block): collect(block.tasks, scope.entering(block.keywords, at: block.location, origins: block.keywordOrigins))
                }
            }
        }
        func roles(_ references: [RoleReference]) {
            for reference in references {
                roles(reference.role.dependencies)
                var roleScope = scope.entering(role: reference)
                roleScope.isHandler = true
                collect(reference.role.handlers, roleScope)
            }
        }
        roles(play.roles)
        var playScope = scope
        playScope.isHandler = true
        collect(play.handlers, playScope)
        return result
    }

    /// Runs notified handlers as `HandlerFlush` decides: in the order they
    /// are defined, once per notification, until none is left.
    func flushHandlers(_ scope: ExecutionScope) async throws {
        guard !stopped, !cancelled else { return }
        let handlers = allHandlers(scope)
        var flush = HandlerFlush(handlerNames: handlers.map { Self.names(of: $0.0, in: $0.1) })
        while true {
            // The active hosts' notifications (new ones too: handlers notify
            // others) pass to the flush; inactive hosts keep theirs.
            let active = Set(batch.filter { hosts[$0]?.isActive ?? false })
            for host in batch where active.contains(host) && !(hosts[host]?.notified.isEmpty ?? true) {
                flush.notify(host, hosts[host]!.notified)
                hosts[host]!.notified.removeAll()
            }
            guard case .run(let index, let targets) = flush.next(hosts: batch, active: active) else { return }
            var runScope = handlers[index].1
            runScope.tags.insert("always")
            try await runTask(handlers[index].0, scope: runScope, on: targets)
        }
    }

    /// What a notification may name a handler by: its name, its `listen`
    /// topics, and `role : name` for a role's handler.
    static func names(of handler: Task, in scope: ExecutionScope) -> Set<String> {
        Set([handler.name].compactMap { $0 } + (handler.keywords["listen"].map(Task.stringList) ?? [])
            + [scope.roleName.map { "\($0) : \(handler.name ?? "")" }].compactMap { $0 })
    }

    /// `meta:` actions, done by the engine between tasks.
    func runMeta(_ task: Task, scope: ExecutionScope, on targets: [String]) async throws {
        let action = task.arguments["_raw_params"]?.text ?? ""
        switch action {
        case "flush_handlers":
            try await flushHandlers(scope)
        case "end_play":
            stopped = true
        case "end_batch":
            for host in batch { hosts[host]?.ended = true }
        case "end_host":
            for host in targets { hosts[host]?.ended = true }
        case "clear_host_errors":
            for host in playHosts where hosts[host]?.failed == true { hosts[host]?.failed = false }
        case "clear_facts":
            for host in targets { hosts[host]?.facts = [:] }
        case "noop", "refresh_inventory", "reset_connection":
            break
        default:
            throw InputError(.badArgument, "meta: `\(action)` is not one of flush_handlers, end_play, end_batch, end_host, clear_host_errors, clear_facts, noop", at: task.location)
        }
    }

    /// include_tasks / include_role: read at run time, per distinct file.
    func runInclude(_ task: Task, scope: ExecutionScope, on targets: [String]) async throws {
        guard tagsSelect(task, scope: scope) else { return }
        let snapshot = hostVarsSnapshot()
        var byFile = OrderedDictionary<String, [String]>()
        var failures: [String: HostTaskResult] = [:]
        for host in targets {
            let vars = variables(for: host, task: task, scope: scope, snapshot: snapshot)
            let inv = TaskInvocation(task: task, title: title(task, scope), scope: scope, host: host, variables: vars, inventory: inventory,
                                     options: options, pool: pool, observer: observer)
            do {
                var conditions = scope.conditions
                if let when = task.keywords["when"] {
                    conditions += ExecutionScope.conditions(when, origin: task.keywordOrigins["when"], at: task.location)
                }
                let holds = try conditions.allSatisfy { try $0.holds(vars) }
                guard holds else { continue }
                let key = task.module == "include_role"
                    ? (try TaskRunner.render(task.arguments["name"] ?? .null, origin: task.argumentOrigins["name"], inv, vars)).text
                    : (try TaskRunner.render(task.arguments["file"] ?? task.arguments["_raw_params"] ?? .null, inv, vars)).text
                byFile[key, default: []].append(host)
            } catch {
                failures[host] = await TaskRunner.fail(inv, message: "\(error)")
            }
        }
        for (host, result) in failures { apply(result, task: task, to: host, counted: true, rescuable: scope.rescuable) }
        let parser = PlaybookParser(extraVariableNames: Set(options.extraVars.keys))
        var inner = scope.entering(task.keywords.filter { $0.key != "when" }, at: task.location)
        if case .dict(let vars)? = task.arguments["vars"] ?? task.keywords["vars"] { inner.blockVars.append(vars) }
        for (name, included) in byFile {
            if task.module == "include_role" {
                let role = try parser.loadRole(named: name, from: task.location.file, tasksFrom: task.arguments["tasks_from"]?.text, placedUnder: task.id)
                let reference = RoleReference(name: name, parameters: [:], keywords: [:], role: role, location: task.location)
                try await runNodes(role.tasks, scope: inner.entering(role: reference), on: included)
            } else {
                let path = name.hasPrefix("/") ? name : "\((task.location.file as NSString).deletingLastPathComponent)/\(name)"
                try await runNodes(try parser.parseTaskFile(path, placedUnder: task.id), scope: inner, on: included)
            }
        }
    }
}
