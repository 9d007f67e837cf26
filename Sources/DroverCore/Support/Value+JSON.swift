import Foundation
import OrderedCollections

extension Value {
    /// JSON text as Python's `json.dumps(…, indent=, sort_keys=, ensure_ascii=False)`
    /// writes it, so Drover's output can be diffed against Ansible's.
    public func jsonText(indent: Int? = nil, sortKeys: Bool = false) -> String {
        var out = ""
        writeJSON(into: &out, indent: indent, sortKeys: sortKeys, level: 0)
        return out
    }

    private func writeJSON(into out: inout String, indent: Int?, sortKeys: Bool, level: Int) {
        let newline = indent.map { "\n" + String(repeating: " ", count: $0 * (level + 1)) }
        let closing = indent.map { "\n" + String(repeating: " ", count: $0 * level) } ?? ""
        let comma = indent == nil ? ", " : ","
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else {
                out += d == d.rounded() && abs(d) < 1e16 ? String(format: "%.1f", d) : "\(d)"
            }
        case .string(let s): out += Self.jsonQuoted(s)
        case .list(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += comma }
                out += newline ?? ""
                item.writeJSON(into: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            out += closing + "]"
        case .dict(let dict):
            guard !dict.isEmpty else { out += "{}"; return }
            out += "{"
            let keys = sortKeys ? dict.keys.sorted() : Array(dict.keys)
            for (index, key) in keys.enumerated() {
                if index > 0 { out += comma }
                out += (newline ?? "") + Self.jsonQuoted(key) + ": "
                dict[key]!.writeJSON(into: &out, indent: indent, sortKeys: sortKeys, level: level + 1)
            }
            out += closing + "}"
        }
    }

    static func jsonQuoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Parses JSON text into a value; objects keep their key order.
    public static func parseJSON(_ text: String) throws -> Value {
        var parser = JSONParser(Array(text.utf8))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.atEnd else { throw parser.failure("unexpected text after the JSON value") }
        return value
    }
}

public struct JSONSyntaxError: Error, CustomStringConvertible {
    public let offset: Int
    public let message: String
    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

private struct JSONParser {
    let bytes: [UInt8]
    var i = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { i >= bytes.count }

    func failure(_ message: String) -> JSONSyntaxError { JSONSyntaxError(offset: i, message: message) }

    mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    mutating func literal(_ word: String, _ value: Value) throws -> Value {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw failure("expected \(word)") }
        i += w.count
        return value
    }

    mutating func value(depth: Int) throws -> Value {
        guard depth < 512 else { throw failure("nested too deeply") }
        skipSpace()
        guard i < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[i] {
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            i += 1
            var items: [Value] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < bytes.count else { throw failure("unterminated array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
                throw failure("expected , or ]")
            }
        case UInt8(ascii: "{"):
            i += 1
            var dict = OrderedDictionary<String, Value>()
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(dict) }
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                let key = try string()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected :") }
                i += 1
                dict[key] = try value(depth: depth + 1)
                skipSpace()
                guard i < bytes.count else { throw failure("unterminated object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(dict) }
                throw failure("expected , or }")
            }
        default:
            return try number()
        }
    }

    mutating func number() throws -> Value {
        let start = i
        while i < bytes.count, "+-0123456789.eE".utf8.contains(bytes[i]) { i += 1 }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if let int = Int(text) { return .int(int) }
        if let double = Double(text), !text.isEmpty { return .double(double) }
        i = start
        throw failure("expected a value")
    }

    mutating func string() throws -> String {
        i += 1
        var out = [UInt8]()
        while i < bytes.count {
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard b == UInt8(ascii: "\\") else { out.append(b); continue }
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8))
            default: out.append(e)
            }
        }
        throw failure("unterminated string")
    }

    mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw failure("bad \\u escape")
        }
        i += 4
        return v
    }
}
