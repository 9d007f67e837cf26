import DroverCore
import Foundation
import Yams

// The typed readers the config parser shares: each names the key it reads
// and where, and says what a right value looks like.
extension ConfigParser {
    func error(_ code: InputError.Code, _ message: String, at node: Node) -> InputError {
        InputError(code, message, at: YAML.location(of: node, in: file))
    }

    func key(_ node: Node, allowed: Set<String>, level: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw error(.playbookSyntax, "keys must be plain words", at: node) }
        let key = scalar.string
        guard allowed.contains(key) else {
            let hint = closestMatch(key, among: allowed).map { "; did you mean `\($0)`?" } ?? ""
            throw error(.unknownKeyword, "`\(key)` is not a \(level) key" + hint, at: node)
        }
        return key
    }

    func mapping(_ node: Node, what: String, hint: String) throws -> Node.Mapping {
        guard case .mapping(let mapping) = node else { throw error(.playbookSyntax, "\(what) must be \(hint)", at: node) }
        return mapping
    }

    func string(_ node: Node, what: String) throws -> String {
        switch try YAML.value(node, file: file) {
        case .string(let s): return s
        case .int, .double, .bool: return try YAML.value(node, file: file).text
        default: throw error(.playbookSyntax, "`\(what):` takes a string", at: node)
        }
    }

    /// Template and field names appear in URLs and variable names: keep them plain.
    func name(_ node: Node) throws -> String {
        let text = try string(node, what: "name")
        guard !text.isEmpty, text.count <= 100,
              text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }),
              text != ".", text != ".." else {
            throw error(.playbookSyntax, "`\(text)` is not a valid name: use letters, digits, `-`, `_` and `.` (at most 100)", at: node)
        }
        return text
    }

    func strings(_ node: Node, what: String) throws -> [String] {
        switch try YAML.value(node, file: file) {
        case .list(let items):
            return try items.map { item in
                switch item {
                case .string(let s): return s
                case .int, .bool, .double: return item.text
                default: throw error(.playbookSyntax, "`\(what):` is a list of strings", at: node)
                }
            }
        case .string(let s): return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .null: return []
        default: throw error(.playbookSyntax, "`\(what):` is a list of strings", at: node)
        }
    }

    func int(_ node: Node, what: String, range: ClosedRange<Int>? = nil) throws -> Int {
        guard case .int(let value) = try YAML.value(node, file: file) else {
            throw error(.playbookSyntax, "`\(what):` takes a whole number", at: node)
        }
        if let range, !range.contains(value) {
            throw error(.playbookSyntax, "`\(what):` must be between \(range.lowerBound) and \(range.upperBound)", at: node)
        }
        return value
    }

    func bool(_ node: Node, what: String) throws -> Bool {
        guard case .bool(let value) = try YAML.value(node, file: file) else {
            throw error(.playbookSyntax, "`\(what):` takes true or false", at: node)
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, what: String, _: T.Type) throws -> T where T.RawValue == String {
        try named(try string(node, what: what), at: node, what: "`\(what):` is one of")
    }

    /// The case named `text`, or an error listing the names with a did-you-mean.
    func named<T: RawRepresentable & CaseIterable>(_ text: String, at node: Node, what: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue)
            let hint = closestMatch(text, among: names).map { "; did you mean `\($0)`?" } ?? ""
            throw error(.badArgument, "\(what) \(names.joined(separator: ", ")), not `\(text)`" + hint, at: node)
        }
        return value
    }

    /// Seconds as a number, or `30s`, `5m`, `2h`.
    func duration(_ node: Node, what: String) throws -> Duration {
        let text = try string(node, what: what).trimmingCharacters(in: .whitespaces)
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600]
        let (digits, unit) = text.last.flatMap { units[$0] }.map { (String(text.dropLast()), $0) } ?? (text, 1)
        guard let count = Int(digits), count >= 0, count <= 7 * 24 * 3600 / unit else {
            throw error(.playbookSyntax, "`\(what):` is a duration such as 90, `30s`, `5m` or `2h` (at most a week)", at: node)
        }
        return .seconds(count * unit)
    }

    func overridable(_ node: Node) throws -> Set<LaunchField> {
        try Set(strings(node, what: "overridable").map { name in
            try named(name, at: node, what: "`overridable:` lists launch fields:") as LaunchField
        })
    }

    func projectPath(_ node: Node, what: String) throws -> String {
        try projectPath(try string(node, what: what), at: node, what: what)
    }

    /// A path inside the project directory; a path that climbs out of it
    /// (`../`, an absolute path elsewhere) is refused.
    func projectPath(_ path: String, at node: Node, what: String) throws -> String {
        let full = URL(fileURLWithPath: path.hasPrefix("/") ? path : directory + "/" + path).standardized.path
        guard full.hasPrefix(directory + "/") else {
            throw error(.badArgument, "\(what) `\(path)` is outside the project directory \(directory): keep it inside", at: node)
        }
        return full
    }
}
