import DroverCore
import OrderedCollections

/// A launch's body (`POST /api/v1/templates/{name}/launch`), typed. Each
/// field is nil when the launcher did not set it.
public struct LaunchRequest: Sendable {
    public var limit: String?
    public var extraVars: OrderedDictionary<String, Value>?
    public var tags: [String]?
    public var skipTags: [String]?
    public var check: Bool?
    public var diff: Bool?
    public var survey: OrderedDictionary<String, Value> = [:]

    public static let fields: Set<String> = ["limit", "extra_vars", "tags", "skip_tags", "check", "diff", "survey"]

    public init() {}

    /// Reads the JSON object, collecting one problem per malformed field.
    public init(json object: OrderedDictionary<String, Value>) throws(LaunchRefusal) {
        var problems: [FieldProblem] = []
        func strings(_ key: String) -> [String]? {
            switch object[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case .list(let items)? where items.allSatisfy({ $0.stringValue != nil }): return items.compactMap(\.stringValue)
            default:
                problems.append(FieldProblem(field: key, message: "must be a list of strings"))
                return nil
            }
        }
        func bool(_ key: String) -> Bool? {
            switch object[key] {
            case nil, .null?: return nil
            case .bool(let value)?: return value
            default:
                problems.append(FieldProblem(field: key, message: "must be true or false"))
                return nil
            }
        }
        func dict(_ key: String) -> OrderedDictionary<String, Value>? {
            switch object[key] {
            case nil, .null?: return nil
            case .dict(let value)?: return value
            default:
                problems.append(FieldProblem(field: key, message: "must be an object"))
                return nil
            }
        }
        switch object["limit"] {
        case nil, .null?: break
        case .string(let text)? where !text.isEmpty && text.count <= 4096: limit = text
        default: problems.append(FieldProblem(field: "limit", message: "must be a host pattern (a non-empty string)"))
        }
        extraVars = dict("extra_vars")
        if let extraVars, let bad = extraVars.keys.first(where: { !isValidVariableName($0) }) {
            problems.append(FieldProblem(field: "extra_vars.\(bad)", message: "is not a valid variable name"))
        }
        tags = strings("tags")
        skipTags = strings("skip_tags")
        check = bool("check")
        diff = bool("diff")
        survey = dict("survey") ?? [:]
        if !problems.isEmpty { throw LaunchRefusal(problems: problems) }
    }
}

/// Why a launch was refused: one problem per field.
public struct LaunchRefusal: Error, Sendable {
    public var problems: [FieldProblem]
}
