import Foundation
import OrderedCollections

/// Writes values as YAML the way PyYAML's `yaml.dump` does for Ansible's
/// `to_yaml` (flow style for collections of scalars) and `to_nice_yaml`
/// (block style, indent 4): sorted keys, indentless sequences under keys,
/// quoting of strings that would read back as another type, folding of long
/// lines at 80 columns. Not covered: double-quoted line folding, keys over
/// 128 characters, and YAML 1.1 timestamps beyond dates.
struct YAMLEmitter {
    enum ScalarStyle { case plain, single, double }

    let step: Int
    /// nil: collections of scalars in flow style (to_yaml); false: block style.
    let flowForScalarCollections: Bool
    let width = 80
    var out = ""
    var column = 0

    init(indent: Int, flowForScalarCollections: Bool) {
        self.step = max(2, min(indent, 9))
        self.flowForScalarCollections = flowForScalarCollections
    }

    static func dump(_ v: Value, indent: Int, flow: Bool) -> String {
        var e = YAMLEmitter(indent: indent, flowForScalarCollections: flow)
        if e.isFlow(v) || !v.isCollection {
            let style = e.emitInline(v, indent: v.isCollection ? 0 : e.step, flow: false)
            if !v.isCollection && style == .plain { return e.out + "\n...\n" }
        } else if case .dict(let d) = v {
            e.emitMapping(d, indent: 0)
        } else if case .list(let l) = v {
            e.emitSequence(l, indent: 0)
        }
        return e.out + "\n"
    }

    mutating func write(_ s: String) {
        out += s
        if let nl = s.lastIndex(of: "\n") {
            column = s.distance(from: s.index(after: nl), to: s.endIndex)
        } else {
            column += s.count
        }
    }

    mutating func newline(_ indent: Int) {
        out += "\n" + String(repeating: " ", count: indent)
        column = indent
    }

    func isFlow(_ v: Value) -> Bool {
        switch v {
        case .list(let l): return l.isEmpty || (flowForScalarCollections && !l.contains { $0.isCollection })
        case .dict(let d): return d.isEmpty || (flowForScalarCollections && !d.values.contains { $0.isCollection })
        default: return false
        }
    }

    static func sortedKeys(_ d: [String]) -> [String] {
        d.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    mutating func emitMapping(_ d: OrderedDictionary<String, Value>, indent: Int) {
        for (i, key) in Self.sortedKeys(Array(d.keys)).enumerated() {
            if i > 0 { newline(indent) }
            emitScalar(key, indent: indent + step, flow: false)
            write(":")
            let v = d[key]!
            if !v.isCollection || isFlow(v) {
                write(" ")
                emitInline(v, indent: indent + step, flow: false)
            } else if case .dict(let child) = v {
                newline(indent + step)
                emitMapping(child, indent: indent + step)
            } else if case .list(let child) = v {
                newline(indent)
                emitSequence(child, indent: indent)
            }
        }
    }

    mutating func emitSequence(_ l: [Value], indent: Int) {
        for (i, item) in l.enumerated() {
            if i > 0 { newline(indent) }
            write("-")
            if !item.isCollection || isFlow(item) {
                write(" ")
                emitInline(item, indent: indent + step, flow: false)
                continue
            }
            write(String(repeating: " ", count: max(1, indent + step - column)))
            if case .dict(let child) = item { emitMapping(child, indent: indent + step) }
            if case .list(let child) = item { emitSequence(child, indent: indent + step) }
        }
    }

    /// A scalar or a flow collection; `indent` is where continuation lines go.
    @discardableResult
    mutating func emitInline(_ v: Value, indent: Int, flow: Bool) -> ScalarStyle {
        switch v {
        case .list(let l):
            write("[")
            for (i, item) in l.enumerated() {
                if i > 0 {
                    write(",")
                    if column > width { newline(indent) } else { write(" ") }
                }
                emitInline(item, indent: indent + step, flow: true)
            }
            write("]")
            return .plain
        case .dict(let d):
            write("{")
            for (i, key) in Self.sortedKeys(Array(d.keys)).enumerated() {
                if i > 0 {
                    write(",")
                    if column > width { newline(indent) } else { write(" ") }
                }
                emitScalar(key, indent: indent + step, flow: true)
                write(": ")
                emitInline(d[key]!, indent: indent + step, flow: true)
            }
            write("}")
            return .plain
        case .string(let s):
            return emitScalar(s, indent: indent, flow: flow)
        case .null: write("null")
        case .bool(let b): write(b ? "true" : "false")
        case .int(let i): write(String(i))
        case .double(let d): write(Self.float(d))
        }
        return .plain
    }

    static func float(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        var r = PythonFloat.repr(d).lowercased()
        if !r.contains("."), let e = r.firstIndex(of: "e") { r.insert(contentsOf: ".0", at: e) }
        return r
    }

    @discardableResult
    mutating func emitScalar(_ s: String, indent: Int, flow: Bool) -> ScalarStyle {
        let style = Self.style(for: s, flow: flow)
        switch style {
        case .plain:
            writeFolded(s, indent: indent, quoted: false)
        case .single:
            write("'")
            writeFolded(s.replacingOccurrences(of: "'", with: "''"), indent: indent, quoted: true)
            write("'")
        case .double:
            var body = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": body += "\\\""
                case "\\": body += "\\\\"
                case "\n": body += "\\n"
                case "\t": body += "\\t"
                case "\r": body += "\\r"
                case "\0": body += "\\0"
                default:
                    if Self.isSpecial(scalar) {
                        let hex = String(scalar.value, radix: 16, uppercase: true)
                        let width = scalar.value <= 0xFF ? 2 : (scalar.value <= 0xFFFF ? 4 : 8)
                        body += (width == 2 ? "\\x" : width == 4 ? "\\u" : "\\U") + String(repeating: "0", count: width - hex.count) + hex
                    } else {
                        body.unicodeScalars.append(scalar)
                    }
                }
            }
            write(body + "\"")
        }
        return style
    }

    /// Writes text, breaking at single spaces past the width and writing
    /// line breaks the way single-quoted YAML needs them.
    mutating func writeFolded(_ s: String, indent: Int, quoted: Bool) {
        let chars = Array(s)
        var i = 0
        var word = ""
        while i < chars.count {
            let c = chars[i]
            if c == " " {
                write(word)
                word = ""
                let single = (i == 0 || chars[i - 1] != " ") && (i + 1 < chars.count && chars[i + 1] != " ")
                if single && i > 0 && column > width {
                    newline(indent)
                } else {
                    write(" ")
                }
                i += 1
            } else if c == "\n" && quoted {
                write(word)
                word = ""
                var breaks = 0
                while i < chars.count, chars[i] == "\n" { breaks += 1; i += 1 }
                out += String(repeating: "\n", count: breaks)
                newline(indent)
            } else {
                word.append(c)
                i += 1
            }
        }
        write(word)
    }

    static func isSpecial(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v == 0x0A { return false }
        return v < 0x20 || (v >= 0x7F && v <= 0x9F) || v == 0x2028 || v == 0x2029 || v == 0xFEFF || (v >= 0xD800 && v <= 0xDFFF)
    }

    static let implicitTypes: [NSRegularExpression] = [
        "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$",
        "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        "^(?:<<|=|~|null|Null|NULL|)$",
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
    ].map { try! NSRegularExpression(pattern: $0) }

    /// True when a plain scalar with this text would read back as a non-string.
    static func looksTyped(_ s: String) -> Bool {
        let range = NSRange(s.startIndex..., in: s)
        return implicitTypes.contains { $0.firstMatch(in: s, range: range) != nil }
    }

    static func style(for s: String, flow: Bool) -> ScalarStyle {
        if s.unicodeScalars.contains(where: isSpecial) { return .double }
        if s.isEmpty || looksTyped(s) { return .single }
        if s.hasPrefix(" ") || s.hasSuffix(" ") || s.contains("\n") { return .single }
        if s.hasPrefix("---") || s.hasPrefix("...") { return .single }
        let first = s.first!
        let second: Character? = s.dropFirst().first
        if "#,[]{}&*!|>'\"%@`".contains(first) { return .single }
        if "-?:".contains(first) && (second == nil || second == " ") { return .single }
        if s.contains(": ") || s.contains(" #") || s.hasSuffix(":") { return .single }
        if flow && (s.contains { ",?[]{}".contains($0) } || s.contains(":")) { return .single }
        return .plain
    }
}

extension Value {
    var isCollection: Bool {
        switch self {
        case .list, .dict: return true
        default: return false
        }
    }
}
