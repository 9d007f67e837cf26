import Foundation
import OrderedCollections
import Yams

/// The text of every file the parser read, so that values can be traced
/// back to the position of each of their characters (`ValueOrigin`).
final class SourceCache {
    private var texts: [String: String] = [:]
    private var split: [String: [[Unicode.Scalar]]] = [:]

    func store(_ text: String, for path: String) {
        texts[path] = text
        split[path] = nil
    }

    /// Split on first use: most files hold no template worth locating.
    func lines(of path: String) -> [[Unicode.Scalar]]? {
        if let cached = split[path] { return cached }
        guard let text = texts[path] else { return nil }
        let lines = YAML.lines(of: text)
        split[path] = lines
        return lines
    }
}

extension PlaybookParser {
    /// Task keywords that hold bare expressions: every string in them is one.
    static let expressionKeywords: Set<String> = ["when", "changed_when", "failed_when", "until"]
    /// Modules whose arguments hold bare expressions (`debug: var=`, `assert: that=`).
    static let expressionModules: Set<String> = ["debug", "assert"]

    func origin(_ node: Node, file: String, everyString: Bool = false) -> ValueOrigin {
        YAML.origin(of: node, file: file, lines: sources.lines(of: file), everyString: everyString)
    }

    /// Where each module argument's value stands: a mapping's values, or
    /// the part of a `key=value` / free-form string that holds it.
    /// `expressions`: the module reads bare expressions (`debug: var=`, `assert: that=`).
    func argumentOrigins(_ node: Node, arguments: OrderedDictionary<String, Value>, file: String,
                         expressions: Bool) -> [String: ValueOrigin] {
        guard case .scalar(let scalar) = node else { return origin(node, file: file, everyString: expressions).fields }
        let whole = origin(node, file: file, everyString: true)
        let text = scalar.string
        var result: [String: ValueOrigin] = [:]
        for key in arguments.keys {
            if key == "_raw_params" {
                let firstLine = arguments[key]?.text.split(separator: "\n").first.map(String.init) ?? ""
                result[key] = text.range(of: firstLine).map { whole.dropping(text.unicodeScalars[..<$0.lowerBound].count) } ?? whole
            } else if let range = text.range(of: "\(key)=") {
                let quoted = text[range.upperBound...].first.map { $0 == "\"" || $0 == "'" } ?? false
                result[key] = whole.dropping(text.unicodeScalars[..<range.upperBound].count + (quoted ? 1 : 0))
            }
        }
        return result
    }
}
