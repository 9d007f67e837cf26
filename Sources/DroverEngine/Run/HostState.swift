import DroverCore
import OrderedCollections

/// One host's state during a run, owned by the play runner.
struct HostState: Sendable {
    let name: String
    /// Inventory and playbook group_vars/host_vars.
    var inventoryVars: [String: Value]
    var facts: OrderedDictionary<String, Value> = [:]
    /// set_fact and register results.
    var hostFacts: OrderedDictionary<String, Value> = [:]
    /// include_vars results (their own precedence layer).
    var includedVars: OrderedDictionary<String, Value> = [:]
    var stats = HostStats()
    var failed = false
    var unreachable = false
    /// `meta: end_host` or the play ended for it.
    var ended = false
    /// Handler notifications waiting for the next flush.
    var notified: OrderedSet<String> = []
    /// The last failure, for `ansible_failed_task` / `ansible_failed_result` in rescue.
    var lastFailure: (task: Value, result: Value)?
    /// What this run changed on the host, for `rollback: on_failure`.
    var journal: [UndoRecord] = []

    var isActive: Bool { !failed && !unreachable && !ended }
}
