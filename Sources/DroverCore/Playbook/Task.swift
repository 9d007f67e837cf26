import OrderedCollections

/// One task as written: a module call plus its keywords. Values stay
/// unrendered (templates are evaluated per host at run time).
public struct Task: Sendable {
    public var name: String?
    /// The canonical module name (`ansible.builtin.copy` and `copy` are `copy`).
    public var module: String
    /// As written (FQCN or bare), for messages.
    public var moduleAsWritten: String
    /// Module arguments; free-form text is under `_raw_params`.
    public var arguments: OrderedDictionary<String, Value>
    /// Every other task keyword (`when`, `loop`, `register`, `notify`, …), unrendered.
    public var keywords: OrderedDictionary<String, Value>
    public var location: SourceLocation
    /// Where each argument's and keyword's value stands, for template errors.
    public var argumentOrigins: [String: ValueOrigin] = [:]
    public var keywordOrigins: [String: ValueOrigin] = [:]
    /// Where the task stands in the playbook (set when the playbook is parsed).
    public var id: TaskID

    public init(name: String?, module: String, moduleAsWritten: String, arguments: OrderedDictionary<String, Value>,
                keywords: OrderedDictionary<String, Value>, location: SourceLocation, id: TaskID = .unplaced) {
        self.id = id
        self.name = name
        self.module = module
        self.moduleAsWritten = moduleAsWritten
        self.arguments = arguments
        self.keywords = keywords
        self.location = location
    }

    public var tags: [String] { keywords["tags"].map(Task.stringList) ?? [] }
    public var notify: [String] { keywords["notify"].map(Task.stringList) ?? [] }

    /// The display name: `name`, or the module and its arguments as Ansible shows them.
    public var displayName: String {
        if let name { return name }
        return module
    }

    public static func stringList(_ value: Value) -> [String] {
        switch value {
        case .list(let items): return items.map(\.text)
        case .string(let s): return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        default: return [value.text]
        }
    }
}

/// What a task list holds.
public indirect enum TaskNode: Sendable {
    case task(Task)
    case block(Block)
    /// `include_tasks` / `include_role`: resolved at run time.
    case include(Task)
}

/// `block:` with its `rescue:` and `always:` sections and shared keywords.
public struct Block: Sendable {
    public var name: String?
    public var tasks: [TaskNode]
    public var rescue: [TaskNode]
    public var always: [TaskNode]
    public var keywords: OrderedDictionary<String, Value>
    public var location: SourceLocation
    /// Where each keyword's value stands, for template errors.
    public var keywordOrigins: [String: ValueOrigin] = [:]
}

extension Task {
    /// Where the arguments stand, as one mapping's origin.
    public var argumentsOrigin: ValueOrigin {
        var origin = ValueOrigin(location: location)
        origin.fields = argumentOrigins
        return origin
    }
}
