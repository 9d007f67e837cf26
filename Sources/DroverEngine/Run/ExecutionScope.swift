import DroverCore
import OrderedCollections

/// What a task inherits from its play, role and enclosing blocks.
struct ExecutionScope: Sendable {
    typealias Vars = OrderedDictionary<String, Value>

    struct Condition: Sendable {
        var expression: String
        /// Where the expression is written, so errors point into it.
        var origin: ValueOrigin

        func holds(_ variables: any TemplateContext) throws -> Bool {
            try Template.evaluateCondition(expression, origin: origin, context: variables)
        }
    }

    /// Nearest wins: become, become_user, environment, ignore_errors, no_log,
    /// check_mode, diff, delegate_to, run_once, …
    var keywords: Vars = [:]
    /// Every enclosing `when`, all of which must hold.
    var conditions: [Condition] = []
    var tags: Set<String> = []
    var blockVars: [Vars] = []
    var roleDefaults: [Vars] = []
    var roleVars: [Vars] = []
    var roleParameters: Vars = [:]
    var roleName: String?
    var rolePath: String?
    /// Inside a block whose `rescue` would handle a failure.
    var rescuable = false
    var isHandler = false

    static let inherited: Set<String> = [
        "become", "become_user", "become_method", "become_flags", "check_mode", "diff", "environment",
        "ignore_errors", "ignore_unreachable", "no_log", "delegate_to", "delegate_facts", "run_once",
        "any_errors_fatal", "remote_user", "timeout", "throttle", "connection",
    ]

    /// The scope inside a block, role or task with these keywords.
    func entering(_ keywords: Vars, at location: SourceLocation, origins: [String: ValueOrigin] = [:]) -> ExecutionScope {
        var scope = self
        for (key, value) in keywords where Self.inherited.contains(key) {
            scope.keywords[key] = value
        }
        if let when = keywords["when"] { scope.conditions += Self.conditions(when, origin: origins["when"], at: location) }
        if let tags = keywords["tags"] { scope.tags.formUnion(Task.stringList(tags)) }
        if case .dict(let vars)? = keywords["vars"] { scope.blockVars.append(vars) }
        return scope
    }

    /// `origin` is where `when` is written; without it, errors point at `location`.
    static func conditions(_ when: Value, origin: ValueOrigin?, at location: SourceLocation) -> [Condition] {
        let whole = origin ?? ValueOrigin(location: location)
        switch when {
        case .list(let items):
            return items.enumerated().map { Condition(expression: $0.element.text, origin: whole.item($0.offset) ?? whole) }
        case .bool(let b): return [Condition(expression: b ? "True" : "False", origin: whole)]
        default: return [Condition(expression: when.text, origin: whole)]
        }
    }

    /// The scope of a role's tasks.
    func entering(role reference: RoleReference) -> ExecutionScope {
        var scope = entering(reference.keywords, at: reference.location)
        scope.roleName = reference.role.name
        scope.rolePath = reference.role.path
        scope.roleDefaults.append(reference.role.defaults)
        scope.roleVars.append(reference.role.vars)
        scope.roleParameters.merge(reference.parameters) { _, new in new }
        return scope
    }
}
