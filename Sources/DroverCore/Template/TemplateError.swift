/// A template that could not be parsed or rendered, with where and why.
///
/// `location` points at the offending token: the template's name (a file
/// path, or the YAML file a templated value came from) and the line and
/// column in it. The message always says what to do about it.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The template text is not valid Jinja2.
        case syntax
        /// A variable, attribute, key or index that does not exist was used.
        case undefinedVariable
        /// `x | name` with a filter Drover does not know.
        case unknownFilter
        /// `x is name` with a test Drover does not know.
        case unknownTest
        /// `name(...)` where `name` is not a known global function or method.
        case unknownFunction
        /// An operation was applied to values of the wrong type.
        case typeError
        /// A value had the right type but an unusable content (bad number, regex, JSON…).
        case valueError
        /// A filter or test refused its input (`mandatory`, a failed lookup…).
        case filterError
        /// A variable's value refers back to itself.
        case recursiveLoop
        /// `lookup()`/`query()`/`include` could not find or read what it was asked for.
        case lookupFailed
        /// Drover deliberately does not do this (e.g. `password_hash`, `random` in check mode).
        case unsupported
        /// A size or depth guard tripped (huge ranges, deeply nested expressions…).
        case limitExceeded
        /// The run forbids what the template asked for: reading the
        /// controller's environment or running a command on it.
        case forbidden
    }

    public var code: Code
    public var message: String
    public var location: SourceLocation

    public init(_ code: Code, _ message: String, at location: SourceLocation) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(message)" }
}
