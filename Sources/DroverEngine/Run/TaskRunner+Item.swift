import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

extension TaskRunner {
    /// One execution (the task, or one loop item).
    static func runItem(_ inv: TaskInvocation, variables: RunVariables, label: String?) async -> HostTaskResult {
        let task = inv.task
        let clock = ContinuousClock()
        let start = clock.now
        var report = HostTaskReport(host: inv.host, status: .ok, item: label, result: .dict([:]))
        report.module = task.module
        report.task = inv.title
        report.location = task.location
        report.started = Date()
        report.noLog = noLog(inv, variables)
        do {
            // when: every enclosing condition, then the task's own.
            var conditions = inv.scope.conditions
            if let when = task.keywords["when"] {
                conditions += ExecutionScope.conditions(when, origin: task.keywordOrigins["when"], at: task.location)
            }
            for condition in conditions {
                if try !condition.holds(variables) {
                    let result: Value = .dict(["changed": .bool(false), "skip_reason": .string("Conditional result was False"),
                                               "false_condition": .string(condition.expression), "skipped": .bool(true)])
                    report.status = .skipped
                    report.result = result
                    await inv.reported(report)
                    return HostTaskResult(status: .skipped, result: result)
                }
            }
            guard let module = ModuleRegistry.modules[task.module] else {
                return await fail(inv, message: "module \(task.moduleAsWritten) is not supported by Drover yet (docs/ansible-compatibility.md lists the supported ones)", item: label)
            }
            var arguments = try render(.dict(task.arguments), origin: task.argumentsOrigin, inv, variables).dictionary
            arguments = arguments.filter { $0.value != .string(omitPlaceholder) }
            if task.module == "debug", let verbosity = arguments["verbosity"].flatMap({ Int($0.text) }), verbosity > 0 {
                report.status = .skipped
                await inv.reported(report)
                return HostTaskResult(status: .skipped)
            }
            let checkMode = try keyword("check_mode", inv, variables).map(\.isTruthy) ?? inv.options.checkMode
            let diffMode = try keyword("diff", inv, variables).map(\.isTruthy) ?? inv.options.diffMode
            let delegate = try keyword("delegate_to", inv, variables)?.text
            if let delegate, delegate != inv.host { report.delegatedTo = delegate }
            let target = delegate ?? inv.host
            let roundTrips = RoundTripCounter()
            var agent = try await agentFor(target, inv, variables, counter: roundTrips)
            // Live output (-v, events) of a no_log task would show what its result hides.
            agent.onOutput = report.noLog ? nil : inv.pool.relay.sink(host: inv.host, task: inv.task.id)
            agent.roundTrips = roundTrips
            // reboot (and anything else that drops the agent) reconnects through the pool.
            let reconnect: @Sendable () async throws -> AgentClient = {
                await inv.pool.forget(target)
                return try await agentFor(target, inv, variables)
            }
            var context = ModuleContext(
                host: inv.host, agent: agent, arguments: ModuleArguments(arguments, module: task.module), task: task,
                checkMode: checkMode, diffMode: diffMode, variables: variables,
                environment: try environment(inv, variables),
                searchPaths: searchPaths(inv), runStarted: inv.options.startedAt)
            context.reconnect = reconnect
            var result = try await runWithRetries(module, context, inv, variables)
            // Packages and services describe what they changed; rollback gets commands for it.
            if let hint = result.values.removeValue(forKey: "undo_hint") { result.undo += UndoHint.entries(hint) }
            let registerName = task.keywords["register"]?.text
            let evalVars = registerName.map { variables.adding([$0: result.registered]) } ?? variables
            if let changedWhen = task.keywords["changed_when"] {
                result.changed = try allHold(changedWhen, origin: task.keywordOrigins["changed_when"], inv, evalVars)
            }
            if let failedWhen = task.keywords["failed_when"] {
                let failed = try allHold(failedWhen, origin: task.keywordOrigins["failed_when"], inv, evalVars)
                result.failed = failed
                if failed, result.msg == nil || result.msg == "" { result.msg = "Failed as requested from task" }
            }
            report.status = result.failed ? .failed : result.skipped ? .skipped : result.changed ? .changed : .ok
            report.result = result.registered
            report.diffs = result.diffs
            report.undo = result.undo
            report.collected = result.collected
            // Ansible's default output shows debug and assert results in full.
            report.showResult = task.module == "debug" || task.module == "assert"
            report.ignored = result.failed && ignoreErrors(inv)
            report.duration = clock.now - start
            report.roundTrips = roundTrips.total
            await inv.reported(report)
            return HostTaskResult(status: report.status, ignored: report.ignored, changed: result.changed, result: result.registered,
                                  facts: task.module == "setup" ? result.facts : [:],
                                  setFacts: task.module == "set_fact" ? result.facts : [:],
                                  undo: report.noLog ? UndoEntry.censoring(result.undo) : result.undo,
                                  includedVars: result.includedVars, delegatedTo: report.delegatedTo)
        } catch let error as AgentError where error.isUnreachable {
            let ignore = (try? keyword("ignore_unreachable", inv, variables)?.isTruthy) ?? false
            let result: Value = .dict(["unreachable": .bool(true), "changed": .bool(false), "msg": .string(error.message)])
            report.status = .unreachable
            report.ignored = ignore
            report.result = result
            await inv.reported(report)
            return HostTaskResult(status: .unreachable, ignored: ignore, result: result)
        } catch let error as TemplateError {
            return await fail(inv, message: "\(error)", item: label)
        } catch let error as PrimitiveError {
            return await fail(inv, message: error.message, item: label)
        } catch {
            return await fail(inv, message: "\(error)", item: label)
        }
    }

    /// until/retries/delay: the module runs again until the condition holds.
    static func runWithRetries(_ module: any Module, _ context: ModuleContext, _ inv: TaskInvocation,
                               _ variables: RunVariables) async throws -> ModuleResult {
        guard let until = inv.task.keywords["until"] else { return try await module.run(context) }
        let retries = max(0, try keyword("retries", inv, variables).flatMap { Int($0.text) } ?? 3)
        let delay = try keyword("delay", inv, variables).flatMap { Double($0.text) } ?? 5
        var attempt = 0
        while true {
            attempt += 1
            var result = try await module.run(context)
            result.values["attempts"] = .int(attempt)
            let registerName = inv.task.keywords["register"]?.text
            let vars = registerName.map { variables.adding([$0: result.registered]) } ?? variables
            if try allHold(until, origin: inv.task.keywordOrigins["until"], inv, vars) {
                result.failed = false
                return result
            }
            if attempt > retries {
                result.failed = true
                result.msg = result.msg.flatMap { $0.isEmpty ? nil : $0 } ?? "Retried \(retries) times; the until condition never held"
                return result
            }
            await inv.observer.message("FAILED - RETRYING: [\(inv.host)]: \(inv.task.displayName) (\(retries - attempt + 1) retries left).")
            try await Swift.Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    /// A condition or list of conditions (changed_when, failed_when, until):
    /// a list holds when every entry does, as Ansible documents.
    static func allHold(_ value: Value, origin: ValueOrigin?, _ inv: TaskInvocation, _ vars: RunVariables) throws -> Bool {
        let conditions = ExecutionScope.conditions(value, origin: origin, at: inv.task.location)
        let results = try conditions.map { try $0.holds(vars) }
        return !results.contains(false)
    }

    static func environment(_ inv: TaskInvocation, _ variables: RunVariables) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        func add(_ value: Value) {
            switch value {
            case .dict(let d): for (k, v) in d { pairs.removeAll { $0.0 == k }; pairs.append((k, v.text)) }
            case .list(let items): items.forEach(add)
            default: break
            }
        }
        if let env = inv.scope.keywords["environment"] { add(try render(env, inv, variables)) }
        if let env = inv.task.keywords["environment"] { add(try render(env, inv, variables)) }
        return pairs
    }

    /// Where `src:` files are looked up: the role, the task file's folder, the playbook's.
    static func searchPaths(_ inv: TaskInvocation) -> [String] {
        var paths: [String] = []
        if let role = inv.scope.rolePath { paths.append(role) }
        paths.append((inv.task.location.file as NSString).deletingLastPathComponent)
        paths += inv.variables.searchPaths
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }
}
