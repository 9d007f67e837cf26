import OrderedCollections

/// A variable's value, as YAML/JSON/Jinja2 see it. Dicts keep insertion
/// order (as Python's do) but compare without regard to it.
public enum Value: Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case dict(OrderedDictionary<String, Value>)

    /// The value as Ansible would print it into a command line.
    public var text: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let items): return "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
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

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)): return a == b
        case (.dict(let a), .dict(let b)):
            return a.count == b.count && a.allSatisfy { b[$0.key] == $0.value }
        default: return false
        }
    }
}

extension Value: Hashable {
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(Double(i))
        case .double(let d): hasher.combine(d)
        case .string(let s): hasher.combine(s)
        case .list(let l): hasher.combine(l)
        case .dict(let d):
            // Order-insensitive, to agree with ==.
            hasher.combine(d.count)
            hasher.combine(d.keys.map { $0.hashValue }.reduce(0, ^))
        }
    }
}
