/// The arguments a module accepts, checked before anything runs.
public struct ModuleSpec: Sendable {
    public enum ArgumentType: String, Sendable {
        case string = "str", bool, int, list, dict, path, raw
    }

    public struct Argument: Sendable {
        public var name: String
        public var type: ArgumentType
        public var required = false
        public var choices: [String] = []
        public var aliases: [String] = []
    }

    public var name: String
    public var arguments: [Argument]
    /// Accepts a free-form string (`command: ls -l`), kept as `_raw_params`.
    public var freeForm = false
    /// Any argument name is valid (`set_fact`).
    public var anyArguments = false
    public var mutuallyExclusive: [[String]] = []
    public var requiredOneOf: [[String]] = []

    /// The canonical name of `key`, following aliases.
    public func canonicalArgument(_ key: String) -> Argument? {
        arguments.first { $0.name == key || $0.aliases.contains(key) }
    }

    public var allArgumentNames: [String] { arguments.flatMap { [$0.name] + $0.aliases } }
}

/// Builds specs tersely: `a("dest", .path, required: true, aliases: ["path"])`.
func a(_ name: String, _ type: ModuleSpec.ArgumentType = .string, required: Bool = false,
       choices: [String] = [], aliases: [String] = []) -> ModuleSpec.Argument {
    ModuleSpec.Argument(name: name, type: type, required: required, choices: choices, aliases: aliases)
}
