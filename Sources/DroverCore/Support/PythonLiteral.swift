import OrderedCollections

/// Python's `ast.literal_eval` for the literals Ansible's INI inventories
/// allow: numbers, quoted strings, True/False/None, lists, tuples, dicts.
/// Anything else is not a literal, and Ansible keeps such values as text.
public enum PythonLiteral {
    public static func parse(_ text: String) -> Value? {
        var parser = Parser(Array(text.unicodeScalars))
        guard let value = parser.value() else { return nil }
        parser.skipSpaces()
        return parser.atEnd ? value : nil
    }

    private struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        init(_ s: [Unicode.Scalar]) { self.s = s }

        var atEnd: Bool { i >= s.count }
        var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }

        mutating func skipSpaces() {
            while let c = peek, c == " " || c == "\t" { i += 1 }
        }

        mutating func value(depth: Int = 0) -> Value? {
            guard depth < 64 else { return nil }
            skipSpaces()
            guard let c = peek else { return nil }
            switch c {
            case "'", "\"": return string()
            case "[": return sequence(close: "]", depth: depth)
            case "(": return sequence(close: ")", depth: depth)
            case "{": return dict(depth: depth)
            case "-", "+", "0"..."9", ".": return number()
            default: return word()
            }
        }

        mutating func string() -> Value? {
            let quote = s[i]
            i += 1
            var out = String.UnicodeScalarView()
            while let c = peek {
                i += 1
                if c == quote { return .string(String(out)) }
                if c == "\\" {
                    guard let e = peek else { return nil }
                    i += 1
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "r": out.append("\r")
                    case "0": out.append("\0")
                    case "\\", "'", "\"": out.append(e)
                    default: out.append("\\"); out.append(e)
                    }
                } else {
                    out.append(c)
                }
            }
            return nil
        }

        mutating func sequence(close: Unicode.Scalar, depth: Int) -> Value? {
            i += 1
            var items: [Value] = []
            while true {
                skipSpaces()
                if peek == close { i += 1; return .list(items) }
                guard let item = value(depth: depth + 1) else { return nil }
                items.append(item)
                skipSpaces()
                if peek == "," { i += 1; continue }
                if peek == close { i += 1; return .list(items) }
                return nil
            }
        }

        mutating func dict(depth: Int) -> Value? {
            i += 1
            var entries = OrderedDictionary<String, Value>()
            while true {
                skipSpaces()
                if peek == "}" { i += 1; return .dict(entries) }
                guard let key = value(depth: depth + 1) else { return nil }
                skipSpaces()
                guard peek == ":" else { return nil }
                i += 1
                guard let item = value(depth: depth + 1) else { return nil }
                entries[key.text] = item
                skipSpaces()
                if peek == "," { i += 1; continue }
                if peek == "}" { i += 1; return .dict(entries) }
                return nil
            }
        }

        mutating func number() -> Value? {
            let start = i
            while let c = peek, !(c == "," || c == "]" || c == ")" || c == "}" || c == ":" || c == " " || c == "\t") { i += 1 }
            let text = String(String.UnicodeScalarView(s[start..<i])).replacingOccurrences(of: "_", with: "")
            let negative = text.hasPrefix("-")
            let body = negative || text.hasPrefix("+") ? String(text.dropFirst()) : text
            let lower = body.lowercased()
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
                guard let v = Int(lower.dropFirst(2), radix: radix) else { return nil }
                return .int(negative ? -v : v)
            }
            if let v = Int(body) {
                // Python 3 rejects leading zeros such as 010.
                if body.count > 1 && body.hasPrefix("0") { return nil }
                return .int(negative ? -v : v)
            }
            if lower.contains(where: \.isNumber), !lower.contains("inf"), !lower.contains("nan"), let d = Double(body) {
                return .double(negative ? -d : d)
            }
            return nil
        }

        mutating func word() -> Value? {
            let start = i
            while let c = peek, c.properties.isAlphabetic || c == "_" || ("0"..."9").contains(c) { i += 1 }
            switch String(String.UnicodeScalarView(s[start..<i])) {
            case "True": return .bool(true)
            case "False": return .bool(false)
            case "None": return .null
            default: return nil
            }
        }
    }
}
