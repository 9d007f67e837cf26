import DroverCore
import DroverSSH
import Foundation
import OrderedCollections

/// Runs one task on one host: conditions, loop, arguments, the module,
/// until/retries, changed_when/failed_when; reports each result.
enum TaskRunner {
    static func run(_ inv: TaskInvocation) async -> HostTaskResult {
        let task = inv.task
        let loopControl = task.keywords["loop_control"]?.dictionary ?? [:]
        let loopVar = loopControl["loop_var"]?.text ?? "item"
        let items: [Value]?
        do {
            items = try await LoopItems.resolve(task, variables: inv.variables)
        } catch {
            return await fail(inv, message: "\(error)")
        }
        guard let items else {
            return await runItem(inv, variables: inv.variables, label: nil)
        }
        var tally = LoopTally(loopVar: loopVar)
        if LoopPipelining.admits(task, options: inv.options, itemCount: items.count) {
            let outcomes = await runPipelined(inv, items: items, loopControl: loopControl, loopVar: loopVar)
            for (item, one) in zip(items, outcomes) {
                if one.status == .unreachable { return one }
                tally.add(one, item: item)
            }
        } else {
            // set_fact in a loop: each item sees the facts set by the ones before.
            var current = inv.variables
            for (index, item) in items.enumerated() where !inv.options.cancellation.isCancelled {
                let (itemInvocation, vars, label) = itemRun(inv, index: index, items: items, current: current,
                                                            loopControl: loopControl, loopVar: loopVar)
                let one = await runItem(itemInvocation, variables: vars, label: label)
                if one.status == .unreachable { return one }
                tally.add(one, item: item)
                if !one.setFacts.isEmpty { current = current.adding(one.setFacts) }
                if let pause = loopControl["pause"].flatMap({ Double($0.text) }), pause > 0 {
                    try? await Swift.Task.sleep(for: .milliseconds(Int(pause * 1000)))
                }
            }
        }
        let total = tally.finished(itemCount: items.count, ignoring: ignoreErrors(inv))
        if items.isEmpty {
            var report = HostTaskReport(host: inv.host, status: .skipped, result: total.result)
            report.module = task.module
            report.task = inv.title
            await inv.reported(report)
        }
        return total
    }

    /// Item `index`'s invocation, variables (the loop variable and
    /// `loop_control`'s extras over `current`) and label.
    static func itemRun(_ inv: TaskInvocation, index: Int, items: [Value], current: RunVariables,
                        loopControl: OrderedDictionary<String, Value>, loopVar: String) -> (TaskInvocation, RunVariables, String) {
        let item = items[index]
        var extra: OrderedDictionary<String, Value> = [loopVar: item, "ansible_loop_var": .string(loopVar)]
        if let indexVar = loopControl["index_var"]?.text { extra[indexVar] = .int(index) }
        if loopControl["extended"]?.isTruthy == true {
            extra["ansible_loop"] = .dict(["index": .int(index + 1), "index0": .int(index), "first": .bool(index == 0),
                                            "last": .bool(index == items.count - 1), "length": .int(items.count)])
        }
        let vars = current.adding(extra)
        var label = item.text
        if let template = loopControl["label"], let rendered = try? render(template, inv, vars) { label = rendered.text }
        var itemInvocation = inv
        itemInvocation.loop = LoopPosition(index: index + 1, count: items.count)
        return (itemInvocation, vars, label)
    }

    static func ignoreErrors(_ inv: TaskInvocation) -> Bool {
        (inv.task.keywords["ignore_errors"] ?? inv.scope.keywords["ignore_errors"])
            .map { (try? render($0, inv, inv.variables).isTruthy) ?? false } ?? false
    }

    /// `no_log`, rendered. One that cannot be rendered hides the output
    /// too: a typo in it must not print the secret it was meant to hide.
    static func noLog(_ inv: TaskInvocation, _ vars: RunVariables) -> Bool {
        guard inv.task.keywords["no_log"] ?? inv.scope.keywords["no_log"] != nil else { return false }
        return (try? keyword("no_log", inv, vars)?.isTruthy) ?? true
    }

    /// A keyword of the task or inherited, rendered.
    static func keyword(_ name: String, _ inv: TaskInvocation, _ vars: RunVariables) throws -> Value? {
        if let own = inv.task.keywords[name] { return try render(own, origin: inv.task.keywordOrigins[name], inv, vars) }
        guard let inherited = inv.scope.keywords[name] else { return nil }
        return try render(inherited, inv, vars)
    }

    /// Renders a value of the task; errors point into it through `origin`, else at the task.
    static func render(_ value: Value, origin: ValueOrigin? = nil, _ inv: TaskInvocation, _ vars: RunVariables) throws -> Value {
        try Template.renderValue(value, origin: origin, at: inv.task.location, context: vars)
    }

    static func fail(_ inv: TaskInvocation, message: String, item: String? = nil) async -> HostTaskResult {
        let result = Value.dict(["failed": .bool(true), "changed": .bool(false), "msg": .string(message)])
        let ignored = ignoreErrors(inv)
        var report = HostTaskReport(host: inv.host, status: .failed, ignored: ignored, item: item, result: result)
        // An error may quote the task's arguments: a no_log task's is censored too.
        report.noLog = noLog(inv, inv.variables)
        report.module = inv.task.module
        report.task = inv.title
        report.location = inv.task.location
        await inv.reported(report)
        return HostTaskResult(status: .failed, ignored: ignored, result: result)
    }
}

extension Value {
    /// The dictionary inside, or empty.
    public var dictionary: OrderedDictionary<String, Value> {
        if case .dict(let d) = self { return d }
        return [:]
    }
}
