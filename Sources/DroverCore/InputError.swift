/// A mistake in what the user gave Drover (inventory, pattern, playbook).
/// The message says what is wrong and how to fix it; `location` says where.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case inventorySyntax = "inventory_syntax"
        case yamlSyntax = "yaml_syntax"
        case playbookSyntax = "playbook_syntax"
        case unknownKeyword = "unknown_keyword"
        case unknownModule = "unknown_module"
        case badArgument = "bad_argument"
        case fileNotFound = "file_not_found"
        case inventoryNotFound = "inventory_not_found"
        case badPattern = "bad_pattern"
        case noHostsMatched = "no_hosts_matched"
        case undefinedVariable = "undefined_variable"
    }

    public let code: Code
    public let message: String
    public let location: SourceLocation?

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        location.map { "\($0): \(message)" } ?? message
    }
}
