import DroverCore
import Foundation
import OrderedCollections

/// `loop:` and the `with_*` lookups, turned into the list of items.
enum LoopItems {
    struct LoopError: Error, CustomStringConvertible {
        let description: String
    }

    /// nil when the task has no loop.
    static func resolve(_ task: Task, variables: RunVariables) async throws -> [Value]? {
        let location = task.location
        func render(_ v: Value, _ keyword: String) throws -> Value {
            try Template.renderValue(v, origin: task.keywordOrigins[keyword], at: location, context: variables)
        }
        if let loop = task.keywords["loop"] {
            let value = try render(loop, "loop")
            guard case .list(let items) = value else {
                throw LoopError(description: "\(location): Invalid data passed to 'loop', it requires a list, got this instead: \(value.text). Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.")
            }
            return items
        }
        guard let (key, raw) = task.keywords.first(where: { $0.key.hasPrefix("with_") }) else { return nil }
        let kind = String(key.dropFirst(5))
        let value = try render(raw, key)
        switch kind {
        case "items":
            return list(value).flatMap { if case .list(let inner) = $0 { inner } else { [$0] } }
        case "list":
            return list(value)
        case "flattened":
            return flatten(list(value))
        case "indexed_items":
            return list(value).enumerated().map { .list([.int($0.offset), $0.element]) }
        case "dict":
            guard case .dict(let d) = value else { throw LoopError(description: "\(location): with_dict expects a dict, got \(value.text)") }
            return d.map { .dict(["key": .string($0.key), "value": $0.value]) }
        case "together":
            let lists = list(value).map(list)
            let count = lists.map(\.count).max() ?? 0
            return (0..<count).map { i in .list(lists.map { i < $0.count ? $0[i] : .null }) }
        case "nested", "cartesian":
            return list(value).map(list).reduce([[Value]()]) { acc, next in acc.flatMap { prefix in next.map { prefix + [$0] } } }.map(Value.list)
        case "sequence":
            return try sequence(value.text, at: location)
        case "fileglob":
            return list(value).flatMap { glob($0.text, searchPaths: variables.searchPaths) }.map(Value.string)
        case "lines":
            return try await lines(list(value), variables: variables, at: location)
        default:
            throw LoopError(description: "\(location): with_\(kind) is not supported by Drover; use loop: with a filter instead")
        }
    }

    /// with_lines: each command's stdout lines, the commands run on the controller.
    static func lines(_ commands: [Value], variables: RunVariables, at location: SourceLocation) async throws -> [Value] {
        guard variables.controllerAccess == .allowed else {
            throw LoopError(description: "\(location): with_lines runs a command on the controller, and this run forbids controller access; run the command on a host and register its output instead")
        }
        var items: [Value] = []
        for command in commands {
            do {
                items += try await ControllerCommand.output(command.text).split(separator: "\n").map { .string(String($0)) }
            } catch {
                throw LoopError(description: "\(location): \(error)")
            }
        }
        return items
    }

    static func list(_ value: Value) -> [Value] {
        if case .list(let items) = value { return items }
        if case .string(let s) = value, s.contains(",") { return s.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) } }
        return [value]
    }

    static func flatten(_ items: [Value]) -> [Value] {
        items.flatMap { if case .list(let inner) = $0 { flatten(inner) } else { [$0] } }
    }

    /// with_sequence: `start=1 end=10 stride=2 format=web%02d`, `count=3`, or `1-10/2`.
    static func sequence(_ spec: String, at location: SourceLocation) throws -> [Value] {
        var start = 1, end: Int?, stride = 1, format = "%d"
        for word in spec.split(separator: " ") {
            let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                switch parts[0] {
                case "start": start = Int(parts[1]) ?? start
                case "end": end = Int(parts[1])
                case "count": end = nil; if let c = Int(parts[1]) { end = start + c - 1 }
                case "stride": stride = Int(parts[1]) ?? 1
                case "format": format = parts[1]
                default: throw LoopError(description: "\(location): with_sequence does not know `\(parts[0])`")
                }
            } else if let match = word.split(separator: "-").map({ Int($0) }) as [Int?]?, match.count == 2, let a = match[0] {
                start = a
                let rest = word.split(separator: "-")[1].split(separator: "/")
                end = Int(rest[0])
                if rest.count > 1 { stride = Int(rest[1]) ?? 1 }
            }
        }
        guard let end, stride != 0 else { throw LoopError(description: "\(location): with_sequence needs end= or count=") }
        return Swift.stride(from: start, through: end, by: stride).map { .string(String(format: format.replacingOccurrences(of: "%d", with: "%ld"), $0)) }
    }

    static func glob(_ pattern: String, searchPaths: [String]) -> [String] {
        let full = pattern.hasPrefix("/") ? pattern : "\(searchPaths.first ?? ".")/files/\(pattern)"
        var g = glob_t()
        defer { globfree(&g) }
        guard Foundation.glob(full, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
            .filter { var d: ObjCBool = false; return FileManager.default.fileExists(atPath: $0, isDirectory: &d) && !d.boolValue }
    }
}
