import DroverCore
import Foundation
import OrderedCollections

extension PlayRunner {
    /// Runs a task list on `targets` in lockstep (the linear strategy).
    func runNodes(_ nodes: [TaskNode], scope: ExecutionScope, on targets: [String], allowFailed: Bool = false) async throws {
        for node in nodes {
            guard !stopped, !cancelled else { return }
            let live = targets.filter { isRunnable($0, allowFailed: allowFailed) }
            guard !live.isEmpty else { return }
            switch node {
            case .task(let task):
                try await runTask(task, scope: scope, on: live)
            case .block(let block):
                try await runBlock(block, scope: scope, on: live)
            case .include(let task):
                try await runInclude(task, scope: scope, on: live)
            }
        }
    }

    func isRunnable(_ host: String, allowFailed: Bool) -> Bool {
        guard let state = hosts[host] else { return false }
        return !state.unreachable && !state.ended && (allowFailed || !state.failed)
    }

    /// block/rescue/always: hosts that fail in the block run the rescue
    /// (and count as rescued when it succeeds); every host runs always.
    func runBlock(_ block: Block, scope: ExecutionScope, on targets: [String]) async throws {
        var inner = scope.entering(block.keywords, at: block.location, origins: block.keywordOrigins)
        let failedBefore = Set(targets.filter { hosts[$0]!.failed })
        inner.rescuable = !block.rescue.isEmpty
        let protected = !block.rescue.isEmpty || !block.always.isEmpty
        if protected { protectedDepth += 1 }
        try await runNodes(block.tasks, scope: inner, on: targets)
        var rescueScope = scope.entering(block.keywords, at: block.location, origins: block.keywordOrigins)
        rescueScope.rescuable = scope.rescuable
        if !block.rescue.isEmpty {
            let failedHere = targets.filter { hosts[$0]!.failed && !failedBefore.contains($0) && !hosts[$0]!.unreachable }
            if !failedHere.isEmpty {
                for host in failedHere {
                    hosts[host]!.failed = false
                    hosts[host]!.stats.failed -= 1
                    hosts[host]!.stats.rescued += 1
                    if let failure = hosts[host]!.lastFailure {
                        hosts[host]!.hostFacts["ansible_failed_task"] = failure.task
                        hosts[host]!.hostFacts["ansible_failed_result"] = failure.result
                    }
                }
                try await runNodes(block.rescue, scope: rescueScope, on: failedHere)
            }
        }
        if protected { protectedDepth -= 1 }
        if !block.always.isEmpty {
            // always runs even when a failure in the block is stopping the play.
            let stopping = stopped
            stopped = false
            try await runNodes(block.always, scope: rescueScope, on: targets, allowFailed: true)
            stopped = stopped || stopping
        }
        if protectedDepth == 0 && deferredStop { stopped = true }
    }

    /// Runs one task on the hosts, at most `forks` at once, then applies results.
    func runTask(_ task: Task, scope: ExecutionScope, on targets: [String]) async throws {
        // A cancelled run starts nothing new; what runs is stopped by its agent requests.
        guard !cancelled else { return }
        if let pending = startAtTaskPending {
            guard StartAtTask.matches(pending, name: task.name, title: title(task, scope)) else { return }
            startAtTaskPending = nil
        }
        guard tagsSelect(task, scope: scope) else { return }
        if let prompt = options.stepPrompt, await prompt(title(task, scope)) == .no { return }
        if task.module == "meta" {
            try await runMeta(task, scope: scope, on: targets)
            return
        }
        await observer.taskStarted(title(task, scope), id: task.id, task: task, hosts: targets.count, handler: scope.isHandler)
        let runOnce = (task.keywords["run_once"] ?? scope.keywords["run_once"])?.isTruthy ?? false
        let runners = runOnce ? Array(targets.prefix(1)) : targets
        let snapshot = hostVarsSnapshot()
        let invocations = runners.map { host in
            TaskInvocation(task: task, title: title(task, scope), scope: scope, host: host, variables: variables(for: host, task: task, scope: scope, snapshot: snapshot),
                           inventory: inventory, options: options, pool: pool, observer: observer)
        }
        var results: [String: HostTaskResult] = [:]
        let throttle = (task.keywords["throttle"] ?? scope.keywords["throttle"]).flatMap { Int($0.text) } ?? 0
        let limit = throttle > 0 ? min(throttle, options.forks) : options.forks
        await withTaskGroup(of: (String, HostTaskResult).self) { group in
            var pending = invocations.makeIterator()
            for _ in 0..<min(limit, invocations.count) {
                if let inv = pending.next() { group.addTask { (inv.host, await TaskRunner.run(inv)) } }
            }
            for await (host, result) in group {
                results[host] = result
                if let inv = pending.next() { group.addTask { (inv.host, await TaskRunner.run(inv)) } }
            }
        }
        if runOnce, let first = runners.first, let result = results[first] {
            for host in targets where host != first {
                apply(result, task: task, to: host, counted: false)
            }
        }
        var outcomes: [String: TaskOutcome] = [:]
        for host in runners {
            guard let result = results[host] else { continue }
            outcomes[host] = apply(result, task: task, to: host, counted: true, rescuable: scope.rescuable)
        }
        let failedHosts = runners.filter { results[$0]?.status == .failed && results[$0]?.ignored == false }
        if !failedHosts.isEmpty, let spec = play.keywords["collect_on_failure"], task.module != "collect" {
            await collectOnFailure(spec, hosts: failedHosts, scope: scope, after: task.id)
        }
        await decide(outcomes)
    }

    /// Records a host's result: stats, register, facts, notifications.
    @discardableResult
    func apply(_ result: HostTaskResult, task: Task, to host: String, counted: Bool, rescuable: Bool = false) -> TaskOutcome {
        var state = hosts[host]!
        if let name = task.keywords["register"]?.text { state.hostFacts[name] = result.result }
        for entry in result.undo {
            state.journal.append(UndoRecord(sequence: state.journal.count + 1, entry: entry, task: title(task, ExecutionScope())))
        }
        // delegate_facts: gathered or set facts belong to the delegated host.
        if let target = result.delegatedTo, (task.keywords["delegate_facts"]?.isTruthy ?? false), hosts[target] != nil, target != host {
            hosts[target]!.facts.merge(result.facts) { _, new in new }
            hosts[target]!.hostFacts.merge(result.setFacts) { _, new in new }
        } else {
            state.facts.merge(result.facts) { _, new in new }
            state.hostFacts.merge(result.setFacts) { _, new in new }
        }
        state.includedVars.merge(result.includedVars) { _, new in new }
        var outcome = TaskOutcome.ok
        if counted {
            switch options.cancellation.settled(result.status) {
            case .ok: state.stats.ok += 1
            case .changed: state.stats.ok += 1; state.stats.changed += 1; outcome = .changed
            case .skipped: state.stats.skipped += 1; outcome = .skipped
            case .failed where result.ignored:
                state.stats.ok += 1; state.stats.ignored += 1; outcome = .ignored
                if result.changed { state.stats.changed += 1 }
            case .failed:
                state.stats.failed += 1
                state.failed = true
                state.lastFailure = (.dict(["name": .string(task.displayName), "action": .string(task.module)]), result.result)
                outcome = rescuable ? .rescued : .failed
            case .unreachable where result.ignored:
                state.stats.ignored += 1; outcome = .ignored
            case .unreachable:
                state.stats.unreachable += 1
                state.unreachable = true
                outcome = .unreachable
            case .cancelled:
                // Not a failure: the cancel itself stops the run.
                state.stats.cancelled += 1; outcome = .skipped
            }
        }
        if result.changed, result.status != .failed || result.ignored {
            for name in task.notify { state.notified.append(name) }
        }
        hosts[host] = state
        return outcome
    }

    /// Feeds the failure tracker; stops the play when it says so.
    /// A stop for failures ends the whole run, as in Ansible ("NO MORE HOSTS LEFT").
    func decide(_ outcomes: [String: TaskOutcome]) async {
        guard !outcomes.isEmpty else { return }
        if case .stopPlay(let reason) = tracker.record(outcomes) {
            if protectedDepth > 0 { deferredStop = true } else { stopped = true }
            abortRun = true
            switch reason {
            case .anyErrorsFatal(let host):
                await observer.message("any_errors_fatal: \(host) failed, so the run stops for every host")
            case .maxFailPercentage(let failed, let of, let limit):
                await observer.message("max_fail_percentage \(limit)% exceeded (\(failed) of \(of) hosts failed): the run stops")
            case .allHostsFailed:
                await observer.message(PlaybookRunner.noMoreHostsLeft)
            }
        }
    }

    /// `collect_on_failure:` (paths, globs, `journal: UNIT`): the failed
    /// hosts' logs go into the store; stats and host state do not change.
    func collectOnFailure(_ spec: Value, hosts: [String], scope: ExecutionScope, after failed: TaskID) async {
        var paths: [Value] = []
        var journals: [String] = []
        for entry in LoopItems.list(spec) {
            switch entry {
            case .dict(let d):
                if let unit = d["journal"] { journals.append(unit.text) }
                if let more = d["paths"] { paths += LoopItems.list(more) }
            default: paths.append(entry)
            }
        }
        var argumentSets: [OrderedDictionary<String, Value>] = journals.map { ["journal": .string($0)] }
        if !paths.isEmpty { argumentSets.insert(["paths": .list(paths)], at: 0) }
        let snapshot = hostVarsSnapshot()
        for arguments in argumentSets {
            let collect = Task(name: "collect_on_failure", module: "collect", moduleAsWritten: "collect", arguments: arguments,
                               keywords: [:], location: play.location, id: failed.collectingLogs)
            await observer.taskStarted("collect_on_failure", id: collect.id, task: collect, hosts: hosts.count, handler: false)
            var collectScope = scope
            collectScope.conditions = []
            let invocations = hosts.map { host in
                TaskInvocation(task: collect, title: "collect_on_failure", scope: collectScope, host: host,
                               variables: variables(for: host, task: collect, scope: collectScope, snapshot: snapshot),
                               inventory: inventory, options: options, pool: pool, observer: observer)
            }
            await withTaskGroup(of: Void.self) { group in
                for inv in invocations { group.addTask { _ = await TaskRunner.run(inv) } }
            }
        }
    }

    func title(_ task: Task, _ scope: ExecutionScope) -> String {
        let name = task.name ?? task.module
        if let role = scope.roleName { return "\(role) : \(name)" }
        return name
    }

    /// --tags / --skip-tags with Ansible's `always`, `never`, `tagged`, `untagged`.
    func tagsSelect(_ task: Task, scope: ExecutionScope) -> Bool {
        let tags = scope.tags.union(task.tags)
        if !options.skipTags.isEmpty {
            if !tags.isDisjoint(with: options.skipTags) { return false }
            if options.skipTags.contains("tagged") && !tags.isEmpty { return false }
            if options.skipTags.contains("untagged") && tags.isEmpty { return false }
        }
        if options.tags.isEmpty || options.tags.contains("all") {
            return !tags.contains("never") || !tags.isDisjoint(with: options.tags.subtracting(["all"]))
        }
        if tags.contains("always") && !options.skipTags.contains("always") { return true }
        if options.tags.contains("tagged") && !tags.isEmpty { return true }
        if options.tags.contains("untagged") && tags.isEmpty { return true }
        return !tags.isDisjoint(with: options.tags)
    }

    func gatherFacts(_ scope: ExecutionScope) async throws {
        let location = play.location
        let setup = Task(name: "Gathering Facts", module: "setup", moduleAsWritten: "setup", arguments: [:], keywords: [:], location: location,
                         id: .gatheringFacts(play: play.index))
        var factScope = scope
        factScope.tags.insert("always")
        try await runTask(setup, scope: factScope, on: batch.filter { hosts[$0]!.isActive })
    }
}
