/// A mistake in what the user gave Drover (inventory, pattern, playbook,
/// user name, role).
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
        // Users, roles and tokens (Access/): never carry a password.
        case unknownRole = "unknown_role"
        case unknownScope = "unknown_scope"
        case badUserName = "bad_user_name"
        case weakPassword = "weak_password"
        case passwordTooLong = "password_too_long"
        case passwordMismatch = "password_mismatch"
        case badDuration = "bad_duration"
        case noTerminal = "no_terminal"
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
