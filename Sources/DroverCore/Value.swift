/// A variable's value, as YAML/JSON/Jinja2 see it.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case dict([String: Value])

    /// The value as Ansible would print it into a command line.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.keys.sorted().map { "\($0): \(d[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// Ansible's truthiness of a variable given as a string or a bool.
    public var isTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return ["yes", "on", "true", "1", "y", "t"].contains(s.lowercased())
        case .list(let l): return !l.isEmpty
        case .dict(let d): return !d.isEmpty
        }
    }
}
