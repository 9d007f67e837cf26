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

/// A remote log file or journal excerpt brought into the store.
public struct CollectedLog: Sendable, Equatable {
    /// The path, or `journal:UNIT`.
    public var source: String
    public var content: [UInt8]

    public init(source: String, content: [UInt8]) {
        self.source = source
        self.content = content
    }
}

/// One file's before and after, as `--diff` shows it.
public struct FileDiff: Sendable, Equatable {
    public var path: String
    public var before: String
    public var after: String
    public var beforeHeader: String
    public var afterHeader: String

    public init(path: String, before: String, after: String, beforeHeader: String? = nil, afterHeader: String? = nil) {
        self.path = path
        self.before = before
        self.after = after
        self.beforeHeader = beforeHeader ?? path
        self.afterHeader = afterHeader ?? path
    }

    var value: Value {
        .dict(["before": .string(before), "after": .string(after),
               "before_header": .string(beforeHeader), "after_header": .string(afterHeader)])
    }
}

/// How to put back one thing a task changed (issue 5 stores and replays these).
public enum UndoEntry: Sendable, Equatable {
    /// A file was written: its previous state, its content when it existed,
    /// and the SHA-256 of what was written (to notice later changes).
    case file(path: String, previous: PathState, content: [UInt8]?, after: String? = nil)
    /// A directory was created where there was none.
    case createdDirectory(path: String)
    /// A path was removed: its previous state and content (files only).
    case removed(path: String, previous: PathState, content: [UInt8]?)
    /// A link was made or changed.
    case link(path: String, previous: PathState)
    /// Mode or owner changed.
    case attributes(path: String, previous: PathState)
    /// A command with no `undo:`: cannot be reversed.
    case irreversible(description: String)
    /// A command whose task gave `undo:`: rollback runs this command.
    case undoCommand(String)
}
