import OrderedCollections

/// `no_log: true`: what may be shown and kept of a task's result.
extension HostTaskReport {
    /// Ansible's words for a hidden result.
    public static let censoredMessage = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"
    /// The loop item label Ansible shows for a hidden result.
    public static let censoredItem = "(censored due to no_log)"

    /// The report as a `no_log` task may be seen by anyone (console, store,
    /// events): Ansible's censored result, which keeps only `changed`,
    /// `attempts` and `retries`; no diff, no collected log, the loop item's
    /// label hidden, and an undo journal that says something changed but not
    /// what or where (paths and commands are arguments). Unchanged for a
    /// task without `no_log`; censoring twice changes nothing.
    public var censored: HostTaskReport {
        guard noLog else { return self }
        var copy = self
        var kept: OrderedDictionary<String, Value> = ["censored": .string(Self.censoredMessage), "changed": .bool(false)]
        if case .dict(let fields) = result {
            for key in ["changed", "attempts", "retries"] { if let value = fields[key] { kept[key] = value } }
        }
        copy.result = .dict(kept)
        copy.diffs = []
        copy.collected = []
        copy.undo = UndoEntry.censoring(undo)
        if item != nil { copy.item = Self.censoredItem }
        return copy
    }
}

extension UndoEntry {
    /// A `no_log` task's journal: one entry saying that it changed
    /// something, none when it changed nothing.
    public static func censoring(_ entries: [UndoEntry]) -> [UndoEntry] {
        entries.isEmpty ? [] : [.censored]
    }
}
