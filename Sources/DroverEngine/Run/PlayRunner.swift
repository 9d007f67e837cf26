import DroverCore
import Foundation
import OrderedCollections

/// Runs one play: batches, the linear strategy, blocks, handlers. Host
/// state lives here and changes only between tasks; each host's task runs
/// in a child task on a Sendable snapshot.
final class PlayRunner {
    let play: Play
    let inventory: Inventory
    let options: RunOptions
    let pool: AgentPool
    let observer: any RunObserver
    let playbookDirectory: String
    var hosts: [String: HostState]
    var tracker: FailureTracker
    var playVars: OrderedDictionary<String, Value> = [:]
    var varsFiles: [OrderedDictionary<String, Value>] = []
    var groupsValue: Value = .dict([:])
    var playHosts: [String] = []
    var batch: [String] = []
    /// Set by `meta: end_play` or a stop decision.
    var stopped = false
    var startAtTaskPending: String?
    /// Blocks with rescue/always being run: a stop waits until they finish.
    var protectedDepth = 0
    var deferredStop = false
    /// A failure stop: the playbook's later plays do not run either.
    var abortRun = false
    /// `hostvars` of inventory hosts outside the play: fixed for the play,
    /// so computed once instead of at every task.
    var outsideHostVars: [String: OrderedDictionary<String, Value>] = [:]

    init(play: Play, inventory: Inventory, options: RunOptions, pool: AgentPool, observer: any RunObserver,
         playbookDirectory: String, hosts: [String: HostState]) {
        self.play = play
        self.inventory = inventory
        self.options = options
        self.pool = pool
        self.observer = observer
        self.playbookDirectory = playbookDirectory
        self.hosts = hosts
        self.startAtTaskPending = options.startAtTask
        let percentage = play.keywords["max_fail_percentage"].flatMap { Double($0.text) }
        self.tracker = FailureTracker(maxFailPercentage: percentage, anyErrorsFatal: play.keywords["any_errors_fatal"]?.isTruthy ?? false)
    }

    /// Runs the play on `selected` hosts (already resolved and limited).
    func run(selected: [String], announce: Bool = true) async throws {
        playHosts = selected
        var groups = OrderedDictionary<String, Value>()
        for name in inventory.groups.keys { groups[name] = .list(inventory.hosts(inGroup: name).map(Value.string)) }
        groupsValue = .dict(groups)
        playVars = play.vars
        for file in play.varsFiles {
            varsFiles.append(try loadVarsFile(file))
        }
        if announce { await observer.playStarted(play, hosts: selected) }
        let steps = try serialSteps()
        var scope = ExecutionScope().entering(play.keywords, at: play.location)
        scope.conditions = []
        // Roles' defaults and vars are visible to the whole play (Ansible's
        // default, private_role_vars = false).
        func expose(_ references: [RoleReference]) {
            for reference in references {
                expose(reference.role.dependencies)
                scope.roleDefaults.append(reference.role.defaults)
                scope.roleVars.append(reference.role.vars)
            }
        }
        expose(play.roles)
        for batchHosts in SerialPlan.batches(selected, steps: steps) {
            guard !stopped, !cancelled, let active = tracker.startBatch(batchHosts) else { break }
            batch = active
            if play.keywords["gather_facts"]?.isTruthy ?? true {
                try await gatherFacts(scope)
            }
            try await runSection(play.preTasks, scope)
            try await flushHandlers(scope)
            for reference in play.roles {
                try await runRole(reference, scope)
            }
            try await runSection(play.tasks, scope)
            try await flushHandlers(scope)
            try await runSection(play.postTasks, scope)
            try await flushHandlers(scope)
            try await rollBackFailedBatch()
        }
    }

    private func runRole(_ reference: RoleReference, _ scope: ExecutionScope) async throws {
        for dependency in reference.role.dependencies { try await runRole(dependency, scope) }
        try await runSection(reference.role.tasks, scope.entering(role: reference))
    }

    /// The run was cancelled: no task, handler or batch starts any more.
    var cancelled: Bool { options.cancellation.isCancelled }

    private func runSection(_ nodes: [TaskNode], _ scope: ExecutionScope) async throws {
        guard !stopped else { return }
        try await runNodes(nodes, scope: scope, on: batch.filter { hosts[$0]!.isActive })
    }

    /// `rollback: on_failure`: when a host of the batch failed, every host of
    /// the batch is rolled back (its journal of this run, newest first) and
    /// the run stops there.
    func rollBackFailedBatch() async throws {
        // A cancel stops the run as it is; `drover rollback` undoes it on request.
        guard !cancelled else { return }
        guard play.keywords["rollback"]?.text == "on_failure" else { return }
        let failed = batch.filter { hosts[$0]!.failed || hosts[$0]!.unreachable }
        guard !failed.isEmpty else { return }
        var journals: [String: [UndoRecord]] = [:]
        for host in batch where !hosts[host]!.unreachable && !hosts[host]!.journal.isEmpty {
            journals[host] = hosts[host]!.journal
        }
        await observer.message("rollback: on_failure: \(failed.joined(separator: ", ")) failed, so the batch's changes are undone and the run stops")
        var runner = RollbackRunner(journals: journals, inventory: inventory, connector: pool.connector, script: pool.script,
                                    observer: observer, title: "rollback: on_failure")
        runner.checkMode = options.checkMode
        runner.force = false
        runner.forks = options.forks
        let stats = await runner.execute(pool: pool)
        for (host, s) in stats {
            hosts[host]!.stats.changed += s.changed
            hosts[host]!.stats.failed += s.failed
            hosts[host]!.journal = []
        }
        stopped = true
        abortRun = true
    }

    func serialSteps() throws -> [SerialStep] {
        guard let serial = play.keywords["serial"] else { return [] }
        let values: [Value] = if case .list(let items) = serial { items } else { [serial] }
        return try values.map {
            guard let step = SerialStep($0.text) else {
                throw InputError(.badArgument, "serial: `\($0.text)` is not a number or a percentage such as 30%", at: play.location)
            }
            return step
        }
    }

    func loadVarsFile(_ file: String) throws -> OrderedDictionary<String, Value> {
        let path = file.hasPrefix("/") ? file : "\(playbookDirectory)/\(file)"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(.fileNotFound, "cannot read vars_files entry \(path)", at: play.location)
        }
        guard let node = try YAML.compose(String(decoding: data, as: UTF8.self), file: path) else { return [:] }
        return try YAML.value(node, file: path).dictionary
    }
}
