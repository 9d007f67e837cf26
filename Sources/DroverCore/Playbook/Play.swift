import OrderedCollections

/// One play: hosts, variables and task lists, with play keywords unrendered.
public struct Play: Sendable {
    public var name: String?
    public var hosts: String
    public var vars: OrderedDictionary<String, Value>
    /// Where `vars:` stands, for template errors.
    public var varsOrigin: ValueOrigin?
    public var varsFiles: [String]
    public var roles: [RoleReference]
    public var preTasks: [TaskNode]
    public var tasks: [TaskNode]
    public var postTasks: [TaskNode]
    public var handlers: [TaskNode]
    /// serial, max_fail_percentage, become, strategy, tags, … as written.
    public var keywords: OrderedDictionary<String, Value>
    public var location: SourceLocation
    /// The play's 1-based position in the playbook, imports expanded (0
    /// for a play not read from a playbook).
    public var index = 0

    public var tags: [String] { keywords["tags"].map(Task.stringList) ?? [] }
}

/// A role named in `roles:`, with its parameters, loaded from `roles/NAME/`.
public struct RoleReference: Sendable {
    public var name: String
    public var parameters: OrderedDictionary<String, Value>
    public var keywords: OrderedDictionary<String, Value>
    public var role: Role
    public var location: SourceLocation

    public init(name: String, parameters: OrderedDictionary<String, Value>, keywords: OrderedDictionary<String, Value>,
                role: Role, location: SourceLocation) {
        self.name = name
        self.parameters = parameters
        self.keywords = keywords
        self.role = role
        self.location = location
    }
}

/// A role's contents: `tasks/main.yml`, `handlers/main.yml`,
/// `defaults/main.yml`, `vars/main.yml`, and `meta/main.yml` dependencies.
public struct Role: Sendable {
    public var name: String
    public var path: String
    public var tasks: [TaskNode]
    public var handlers: [TaskNode]
    public var defaults: OrderedDictionary<String, Value>
    public var vars: OrderedDictionary<String, Value>
    public var dependencies: [RoleReference]
    /// Where `defaults/main.yml` and `vars/main.yml` stand, for template errors.
    public var defaultsOrigin: ValueOrigin?
    public var varsOrigin: ValueOrigin?
}

/// A parsed playbook: its plays in order, with `import_playbook` expanded.
public struct Playbook: Sendable {
    public var path: String
    public var plays: [Play]
}
