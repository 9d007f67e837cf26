import Foundation
import OrderedCollections

/// `-e` values as ansible-playbook reads them: `k=v k2="v 2"` (text values),
/// `@file.yml` / `@file.json`, or inline YAML/JSON (`{"k": [1, 2]}`).
/// Later `-e` win.
public enum ExtraVars {
    public static func parse(_ arguments: [String]) throws -> OrderedDictionary<String, Value> {
        var result = OrderedDictionary<String, Value>()
        for (index, argument) in arguments.enumerated() {
            let trimmed = argument.trimmingCharacters(in: .whitespaces)
            let label = "-e #\(index + 1)"
            if trimmed.hasPrefix("@") {
                let path = String(trimmed.dropFirst())
                guard FileManager.default.fileExists(atPath: path) else {
                    throw InputError(.fileNotFound, "extra vars file \(path) does not exist (from -e @\(path))")
                }
                for (key, value) in try VarsDirectory.variablesFile(path).sorted(by: { $0.key < $1.key }) { result[key] = value }
            } else if trimmed.hasPrefix("{") {
                guard let root = try YAML.compose(trimmed, file: label), case .dict(let dict) = try YAML.value(root, file: label) else {
                    throw InputError(.badArgument, "\(label) must be a JSON/YAML mapping such as '{\"name\": \"value\"}'")
                }
                result.merge(dict) { _, new in new }
            } else {
                let parsed = KeyValueArguments.parse(trimmed)
                if let raw = parsed.raw {
                    throw InputError(.badArgument, "\(label): `\(raw)` is not key=value; quote values with spaces: -e 'msg=\"a b\"'")
                }
                for (key, value) in parsed.pairs {
                    guard isValidVariableName(key) else {
                        throw InputError(.badArgument, "\(label): `\(key)` is not a valid variable name")
                    }
                    result[key] = .string(value)
                }
            }
        }
        return result
    }
}
