import DroverCore
import OrderedCollections

/// A task's rendered arguments, read by canonical name (aliases followed)
/// with Ansible's type coercions.
public struct ModuleArguments: Sendable {
    public var values: OrderedDictionary<String, Value>
    let spec: ModuleSpec?

    public init(_ values: OrderedDictionary<String, Value>, module: String) {
        self.values = values
        self.spec = ModuleSpec.builtin[module]
    }

    public subscript(_ name: String) -> Value? {
        if let v = values[name] { return v }
        guard let argument = spec?.canonicalArgument(name) else { return nil }
        for alias in [argument.name] + argument.aliases { if let v = values[alias] { return v } }
        return nil
    }

    public func string(_ name: String) -> String? {
        guard let v = self[name], v != .null else { return nil }
        return v.text
    }

    public func bool(_ name: String, default fallback: Bool = false) -> Bool {
        guard let v = self[name], v != .null else { return fallback }
        if case .bool(let b) = v { return b }
        return v.isTruthy
    }

    public func int(_ name: String) -> Int? {
        guard let v = self[name] else { return nil }
        switch v {
        case .int(let i): return i
        case .double(let d): return Int(d)
        default: return Int(v.text.trimmingCharacters(in: .whitespaces))
        }
    }

    /// A list argument: a YAML list, or a comma-separated string.
    public func list(_ name: String) -> [String]? {
        guard let v = self[name], v != .null else { return nil }
        switch v {
        case .list(let items): return items.map(\.text)
        default: return v.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// A mode as the agent's chmod takes it: octal digits or a symbolic mode.
    /// A YAML integer like 0644 arrives as 420 (decimal), as in Ansible.
    public func mode(_ name: String = "mode") -> String? {
        guard let v = self[name], v != .null else { return nil }
        if case .int(let i) = v { return String(i, radix: 8) }
        let text = v.text
        if text.allSatisfy(\.isNumber) { return String(text.drop { $0 == "0" }.isEmpty ? "0" : String(text.drop { $0 == "0" })) }
        return text
    }

    /// `owner:group` for chown, or nil when neither is set.
    public var ownership: String? {
        let owner = string("owner") ?? ""
        let group = string("group") ?? ""
        if owner.isEmpty && group.isEmpty { return nil }
        return group.isEmpty ? owner : "\(owner):\(group)"
    }
}
