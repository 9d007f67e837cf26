import OrderedCollections

/// Where a template finds its variables and controller-side settings.
///
/// Contexts are `Sendable`: a context is a snapshot of a host's variables
/// that the engine hands to whichever thread renders that host's task, and
/// `Template` itself is shared between hosts. Rendering never mutates a
/// context; lazily templated variables are rendered per `render` call.
///
/// Values may themselves contain templates (`x: "{{ y + 1 }}"`): the
/// evaluator renders them when they are used, as Ansible does, and reports
/// a cycle as "recursive loop detected in template: x -> y -> x".
public protocol TemplateContext: Sendable {
    /// The raw (not yet templated) value of a variable, or nil when undefined.
    func variable(named name: String) -> Value?
    /// Where the variable was defined, for errors inside its templated value.
    func location(ofVariable name: String) -> SourceLocation?
    /// `--check`: filters with side effects or non-determinism refuse to run.
    var checkMode: Bool { get }
    /// Directories `lookup('file')` and `{% include %}` search, in order.
    var searchPaths: [String] { get }
    /// `lookup('env', NAME)`.
    func environmentVariable(_ name: String) -> String?
    /// Whether `lookup('env')` (and `~` in path tests) may read the
    /// controller's environment. A requirement, not a default: a context
    /// that wraps another must pass its answer on.
    var controllerAccess: ControllerAccess { get }
}

extension TemplateContext {
    public func location(ofVariable name: String) -> SourceLocation? { nil }
}

/// A plain set of variables: the usual context for tests and for a task's
/// merged host variables.
public struct VariableScope: TemplateContext {
    public var variables: OrderedDictionary<String, Value>
    public var locations: [String: SourceLocation]
    public var checkMode: Bool
    public var searchPaths: [String]
    public var environment: [String: String]
    public var controllerAccess: ControllerAccess = .allowed

    public init(
        _ variables: OrderedDictionary<String, Value> = [:],
        locations: [String: SourceLocation] = [:],
        checkMode: Bool = false,
        searchPaths: [String] = [],
        environment: [String: String] = [:]
    ) {
        self.variables = variables
        self.locations = locations
        self.checkMode = checkMode
        self.searchPaths = searchPaths
        self.environment = environment
    }

    public init(_ variables: [String: Value], checkMode: Bool = false, searchPaths: [String] = [],
                environment: [String: String] = [:]) {
        var ordered = OrderedDictionary<String, Value>()
        for key in variables.keys.sorted() { ordered[key] = variables[key] }
        self.init(ordered, checkMode: checkMode, searchPaths: searchPaths, environment: environment)
    }

    public func variable(named name: String) -> Value? { variables[name] }
    public func location(ofVariable name: String) -> SourceLocation? { locations[name] }
    public func environmentVariable(_ name: String) -> String? { environment[name] }
}
