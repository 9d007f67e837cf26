import DroverCore
import OrderedCollections

/// What a module returns for one host (one loop item): Ansible's result
/// dictionary plus the flags the engine acts on.
public struct ModuleResult: Sendable {
    public var changed = false
    public var failed = false
    public var skipped = false
    public var msg: String?
    /// Module return values (rc, stdout, dest, checksum, …), in Ansible's names.
    public var values: OrderedDictionary<String, Value> = [:]
    /// Before/after pairs for --diff.
    public var diffs: [FileDiff] = []
    /// Previous states of what the task changed, in order (the undo journal).
    public var undo: [UndoEntry] = []
    /// `set_fact`: variables to store for the host.
    public var facts: OrderedDictionary<String, Value> = [:]
    /// `include_vars`: variables for the host's include-vars layer.
    public var includedVars: OrderedDictionary<String, Value> = [:]
    /// Logs brought back by `collect` (stored as blobs, not in the result).
    public var collected: [CollectedLog] = []

    public init(changed: Bool = false, failed: Bool = false, msg: String? = nil,
                values: OrderedDictionary<String, Value> = [:]) {
        self.changed = changed
        self.failed = failed
        self.msg = msg
        self.values = values
    }

    public static func failure(_ msg: String, _ values: OrderedDictionary<String, Value> = [:]) -> ModuleResult {
        ModuleResult(failed: true, msg: msg, values: values)
    }

    /// The dictionary `register:` stores, in Ansible's shape.
    public var registered: Value {
        var d = values
        d["changed"] = .bool(changed)
        d["failed"] = .bool(failed)
        if skipped { d["skipped"] = .bool(true) }
        if let msg { d["msg"] = .string(msg) }
        if !diffs.isEmpty { d["diff"] = .list(diffs.map(\.value)) }
        return .dict(d)
    }
}
