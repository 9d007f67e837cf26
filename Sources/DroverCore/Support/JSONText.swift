import OrderedCollections

/// JSON the way Python's `json` module writes and reads it (as Ansible's
/// `to_json`/`to_nice_json`/`from_json` filters use it).
enum JSONText {
    struct Options {
        var indent: Int?
        var sortKeys = false
        var ensureASCII = true
        var itemSeparator: String?
        var keySeparator = ": "
        /// Jinja2's `tojson`: escape <, >, & and ' for HTML.
        var htmlSafe = false
    }

    static func encode(_ v: Value, _ options: Options) -> String {
        var out = ""
        let itemSeparator = options.itemSeparator ?? (options.indent == nil ? ", " : ",")
        write(v, options, itemSeparator, level: 0, to: &out)
        return out
    }

    static func write(_ v: Value, _ o: Options, _ itemSeparator: String, level: Int, to out: inout String) {
        func newline(_ level: Int) {
            guard let indent = o.indent else { return }
            out += "\n" + String(repeating: " ", count: indent * level)
        }
        switch v {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += PythonFloat.repr(d) }
        case .string(let s): writeString(s, o, to: &out)
        case .list(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(level + 1)
                write(item, o, itemSeparator, level: level + 1, to: &out)
            }
            newline(level)
            out += "]"
        case .dict(let d):
            if d.isEmpty { out += "{}"; return }
            out += "{"
            let keys = o.sortKeys ? d.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : Array(d.keys)
            for (i, k) in keys.enumerated() {
                if i > 0 { out += itemSeparator }
                newline(level + 1)
                writeString(k, o, to: &out)
                out += o.keySeparator
                write(d[k]!, o, itemSeparator, level: level + 1, to: &out)
            }
            newline(level)
            out += "}"
        }
    }

    static func writeString(_ s: String, _ o: Options, to out: inout String) {
        out += "\""
        // Most strings need no escape: appended whole, not scalar by scalar
        // (a third of the server's time on a page of runs went there).
        if !s.utf8.contains(where: { needsEscape($0, o) }) {
            out += s
            out += "\""
            return
        }
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "<" where o.htmlSafe: out += "\\u003c"
            case ">" where o.htmlSafe: out += "\\u003e"
            case "&" where o.htmlSafe: out += "\\u0026"
            case "'" where o.htmlSafe: out += "\\u0027"
            default:
                if scalar.value < 0x20 || (o.ensureASCII && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += unicodeEscape(0xD800 + (v >> 10)) + unicodeEscape(0xDC00 + (v & 0x3FF))
                    } else {
                        out += unicodeEscape(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// Whether this UTF-8 byte may start something `writeString` escapes.
    @inline(__always)
    static func needsEscape(_ byte: UInt8, _ o: Options) -> Bool {
        switch byte {
        case 0..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"): return true
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"), UInt8(ascii: "'"): return o.htmlSafe
        case 0x7F...: return o.ensureASCII
        default: return false
        }
    }

    static func unicodeEscape(_ v: UInt32) -> String {
        let hex = String(v, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    // MARK: Parsing

    struct ParseError: Error {
        var message: String
        var offset: Int
    }

    static let maxDepth = 200

    static func parse(_ text: String) throws(ParseError) -> Value {
        var p = Parser(bytes: Array(text.utf8))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.pos == p.bytes.count else { throw ParseError(message: "extra data after the JSON value", offset: p.pos) }
        return v
    }

    struct Parser {
        let bytes: [UInt8]
        var pos = 0

        mutating func skipSpace() {
            while pos < bytes.count, [32, 9, 10, 13].contains(bytes[pos]) { pos += 1 }
        }

        func fail(_ m: String) -> ParseError { ParseError(message: m, offset: pos) }

        mutating func literal(_ word: String, _ v: Value) throws(ParseError) -> Value {
            let w = Array(word.utf8)
            guard pos + w.count <= bytes.count, Array(bytes[pos..<(pos + w.count)]) == w else { throw fail("expecting value") }
            pos += w.count
            return v
        }

        mutating func value(depth: Int) throws(ParseError) -> Value {
            guard depth < JSONText.maxDepth else { throw fail("nested too deeply") }
            guard pos < bytes.count else { throw fail("expecting value") }
            switch bytes[pos] {
            case UInt8(ascii: "{"):
                pos += 1
                var d = OrderedDictionary<String, Value>()
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
                while true {
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                        throw fail("expecting property name enclosed in double quotes")
                    }
                    let k = try string()
                    skipSpace()
                    guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expecting ':' delimiter") }
                    pos += 1
                    skipSpace()
                    d[k] = try value(depth: depth + 1)
                    skipSpace()
                    guard pos < bytes.count else { throw fail("expecting ',' delimiter") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
                    throw fail("expecting ',' delimiter")
                }
            case UInt8(ascii: "["):
                pos += 1
                var l: [Value] = []
                skipSpace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(l) }
                while true {
                    skipSpace()
                    l.append(try value(depth: depth + 1))
                    skipSpace()
                    guard pos < bytes.count else { throw fail("expecting ',' delimiter") }
                    if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                    if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(l) }
                    throw fail("expecting ',' delimiter")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "N"): return try literal("NaN", .double(.nan))
            case UInt8(ascii: "I"): return try literal("Infinity", .double(.infinity))
            default: return try number()
            }
        }

        mutating func number() throws(ParseError) -> Value {
            let start = pos
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") {
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "I") { return .double(-(try literal("Infinity", .double(.infinity))).numeric!) }
            }
            func digits() -> Int {
                let s = pos
                while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
                return pos - s
            }
            guard digits() > 0 else { pos = start; throw fail("expecting value") }
            var isFloat = false
            if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
                pos += 1
                guard digits() > 0 else { throw fail("expecting digits after '.'") }
                isFloat = true
            }
            if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                guard digits() > 0 else { throw fail("expecting exponent digits") }
                isFloat = true
            }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            if !isFloat, let i = Int(text) { return .int(i) }
            guard let d = Double(text) else { throw fail("invalid number") }
            return .double(d)
        }

        mutating func hex4() throws(ParseError) -> UInt32 {
            guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16) else {
                throw fail("invalid \\uXXXX escape")
            }
            pos += 4
            return v
        }

        mutating func string() throws(ParseError) -> String {
            pos += 1
            var out = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                if !run.isEmpty {
                    out.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                    run.removeAll()
                }
            }
            while true {
                guard pos < bytes.count else { throw fail("unterminated string") }
                let b = bytes[pos]
                pos += 1
                if b == UInt8(ascii: "\"") { break }
                if b < 0x20 { throw fail("invalid control character in string") }
                guard b == UInt8(ascii: "\\") else { run.append(b); continue }
                flush()
                guard pos < bytes.count else { throw fail("unterminated string") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""): out.append("\"")
                case UInt8(ascii: "\\"): out.append("\\")
                case UInt8(ascii: "/"): out.append("/")
                case UInt8(ascii: "b"): out.append("\u{08}")
                case UInt8(ascii: "f"): out.append("\u{0C}")
                case UInt8(ascii: "n"): out.append("\n")
                case UInt8(ascii: "r"): out.append("\r")
                case UInt8(ascii: "t"): out.append("\t")
                case UInt8(ascii: "u"):
                    var v = try hex4()
                    if v >= 0xD800 && v < 0xDC00, pos + 6 <= bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        pos += 2
                        let low = try hex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            pos -= 6
                        }
                    }
                    out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                default: throw fail("invalid \\escape")
                }
            }
            flush()
            return String(out)
        }
    }
}

extension Value {
    /// Parses JSON text, keeping the order of object keys.
    public init(json text: String) throws(TemplateError) {
        do throws(JSONText.ParseError) {
            self = try JSONText.parse(text)
        } catch {
            throw TemplateError(.valueError, "invalid JSON at byte \(error.offset): \(error.message)",
                                at: SourceLocation(file: "<json>", line: 1, column: error.offset + 1))
        }
    }

    /// Compact JSON (Python's `json.dumps` defaults, non-ASCII kept as is).
    public var json: String {
        var o = JSONText.Options()
        o.ensureASCII = false
        return JSONText.encode(self, o)
    }
}
