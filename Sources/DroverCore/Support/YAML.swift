import Foundation
import OrderedCollections
import Yams

/// Reads YAML the way Ansible (PyYAML, YAML 1.1) does, keeping each node's
/// line and column for error messages.
public enum YAML {
    /// The document's root node, or nil for an empty document.
    public static func compose(_ text: String, file: String) throws -> Node? {
        do {
            return try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw inputError(error, file: file)
        }
    }

    public static func location(of node: Node, in file: String) -> SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    /// A node as a plain value, resolving plain scalars by YAML 1.1 rules.
    public static func value(_ node: Node, file: String, depth: Int = 0) throws -> Value {
        guard depth < 512 else {
            throw InputError(.yamlSyntax, "YAML nested more than 512 levels deep", at: location(of: node, in: file))
        }
        switch node {
        case .scalar(let scalar):
            return try scalarValue(scalar, file: file)
        case .sequence(let sequence):
            return .list(try sequence.map { try value($0, file: file, depth: depth + 1) })
        case .mapping(let mapping):
            var dict = OrderedDictionary<String, Value>()
            for (key, item) in mapping {
                dict[try value(key, file: file, depth: depth + 1).text] = try value(item, file: file, depth: depth + 1)
            }
            return .dict(dict)
        case .alias:
            throw InputError(.yamlSyntax, "unresolved YAML alias: define the anchor (&name) before using it",
                at: location(of: node, in: file))
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, file: String) throws -> Value {
        let text = scalar.string
        switch scalar.tag.rawValue {
        case "tag:yaml.org,2002:str": return .string(text)
        case "", "!": break
        case "tag:yaml.org,2002:int": if let v = resolveInt(text) { return .int(v) }
        case "tag:yaml.org,2002:float": if let v = resolveFloat(text) { return .double(v) }
        case "tag:yaml.org,2002:bool": if let v = resolveBool(text) { return .bool(v) }
        case "tag:yaml.org,2002:null": return .null
        default:
            let tag = scalar.tag.rawValue
            if tag == "!unsafe" { return .string(text) }
            if tag == "!vault" {
                throw InputError(.yamlSyntax, "vault-encrypted values (!vault) are not supported yet: decrypt them with ansible-vault",
                    at: SourceLocation(file: file, line: scalar.mark?.line ?? 1, column: scalar.mark?.column ?? 1))
            }
        }
        guard scalar.style == .plain || scalar.style == .any else { return .string(text) }
        if ["", "~", "null", "Null", "NULL"].contains(text) { return .null }
        if let b = resolveBool(text) { return .bool(b) }
        if let i = resolveInt(text) { return .int(i) }
        if let d = resolveFloat(text) { return .double(d) }
        return .string(text)
    }

    static func resolveBool(_ text: String) -> Bool? {
        switch text {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    static func resolveInt(_ text: String) -> Int? {
        var body = Substring(text)
        var sign = 1
        if body.first == "-" || body.first == "+" {
            sign = body.first == "-" ? -1 : 1
            body = body.dropFirst()
        }
        guard let first = body.first, first.isNumber, !body.hasSuffix("_") else { return nil }
        let digits = body.replacingOccurrences(of: "_", with: "")
        let value: Int?
        if digits.hasPrefix("0x") { value = Int(digits.dropFirst(2), radix: 16) }
        else if digits.hasPrefix("0b") { value = Int(digits.dropFirst(2), radix: 2) }
        // YAML 1.1 octal (PyYAML): 0755; YAML 1.2's 0o17 stays a string.
        else if digits.count > 1 && digits.hasPrefix("0") { value = Int(digits.dropFirst(), radix: 8) }
        else { value = digits.allSatisfy(\.isNumber) ? Int(digits) : nil }
        return value.map { $0 * sign }
    }

    static func resolveFloat(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // YAML 1.1 floats need a dot: 1e3 stays a string, as in PyYAML.
        guard text.contains("."), text.contains(where: \.isNumber),
              text.allSatisfy({ $0.isNumber || "+-._eE".contains($0) }) else { return nil }
        return Double(text.replacingOccurrences(of: "_", with: ""))
    }

    private static func inputError(_ error: YamlError, file: String) -> InputError {
        func at(_ mark: Mark) -> SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return InputError(.yamlSyntax, "YAML syntax error: \(detail); check indentation and quoting here", at: at(mark))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return InputError(.yamlSyntax,
                "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", ")) in one mapping: keep one of them", at: at(context.mark))
        default:
            return InputError(.yamlSyntax, "YAML error: \(error)", at: SourceLocation(file: file, line: 1))
        }
    }
}
