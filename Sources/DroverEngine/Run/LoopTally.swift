import DroverCore
import OrderedCollections

/// A loop's items summed into the task's one result, in item order:
/// `results` for `register`, changed if any item changed, failed if any
/// failed, skipped if all were (Ansible's rules).
struct LoopTally {
    let loopVar: String
    private var results: [Value] = []
    private(set) var total = HostTaskResult(status: .skipped)
    private var anyFailed = false
    private var allSkipped = true

    init(loopVar: String) {
        self.loopVar = loopVar
    }

    mutating func add(_ one: HostTaskResult, item: Value) {
        var entry = one.result.dictionary
        entry[loopVar] = item
        entry["ansible_loop_var"] = .string(loopVar)
        results.append(.dict(entry))
        total.changed = total.changed || one.changed
        total.undo += one.undo
        total.setFacts.merge(one.setFacts) { _, new in new }
        total.includedVars.merge(one.includedVars) { _, new in new }
        if one.status == .failed { anyFailed = true }
        if one.status != .skipped { allSkipped = false }
    }

    /// The task's result; `ignoring` says whether the task ignores errors.
    func finished(itemCount: Int, ignoring: @autoclosure () -> Bool) -> HostTaskResult {
        var registered: OrderedDictionary<String, Value> = ["results": .list(results), "changed": .bool(total.changed),
                                                            "msg": .string("All items completed")]
        if anyFailed {
            registered["failed"] = .bool(true)
            registered["msg"] = .string("One or more items failed")
        }
        if allSkipped && itemCount > 0 { registered["skipped"] = .bool(true) }
        if itemCount == 0 {
            registered["skipped"] = .bool(true)
            registered["skipped_reason"] = .string("No items in the list")
        }
        var result = total
        result.result = .dict(registered)
        result.status = anyFailed ? .failed : allSkipped ? .skipped : total.changed ? .changed : .ok
        result.ignored = anyFailed && ignoring()
        return result
    }
}
