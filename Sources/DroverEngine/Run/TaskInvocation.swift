import DroverCore
import OrderedCollections

/// Everything one host needs to run one task, as a Sendable snapshot
/// handed to the host's child task.
struct TaskInvocation: Sendable {
    let task: Task
    /// The title shown for the task (`role : name`).
    let title: String
    let scope: ExecutionScope
    let host: String
    let variables: RunVariables
    let inventory: Inventory
    let options: RunOptions
    let pool: AgentPool
    let observer: any RunObserver
    /// Set while one loop item runs: its results carry it.
    var loop: LoopPosition?
    /// A pipelined loop's batch (`LoopPipelining`): the item's agent
    /// requests go through it.
    var pipeline: PipelineBatch?
    /// A pipelined loop's reports wait here to be handed on in item order.
    var reportBuffer: ReportBuffer?

    /// Hands a result to the observer, with the task's id, marked rescued
    /// when a block's `rescue` will handle the failure; a `no_log` task's
    /// censored (this is the one way results leave the engine).
    func reported(_ report: HostTaskReport) async {
        var report = report.censored
        report.status = options.cancellation.settled(report.status)
        report.taskID = task.id
        report.loop = loop
        report.rescued = report.status == .failed && !report.ignored && scope.rescuable
        if let reportBuffer { return reportBuffer.add(report) }
        await observer.hostReported(report)
    }
}

/// How one host ended one task (all loop items together).
struct HostTaskResult: Sendable {
    var status: TaskStatus
    var ignored = false
    var changed = false
    /// The result dictionary (what `register:` stores).
    var result: Value = .dict([:])
    /// Facts from setup (facts layer) or set_fact (host facts layer).
    var facts: OrderedDictionary<String, Value> = [:]
    var setFacts: OrderedDictionary<String, Value> = [:]
    var undo: [UndoEntry] = []
    var includedVars: OrderedDictionary<String, Value> = [:]
    /// Where the task ran, when delegated (for `delegate_facts`).
    var delegatedTo: String?
}
