import OrderedCollections

/// How Jinja2 (that is, Python) sees a `Value`: `str()`, `repr()`,
/// truthiness and type names.
extension Value {
    /// Python's `str()`: what `{{ value }}` prints.
    public var pythonString: String {
        switch self {
        case .string(let s): return s
        default:
            var out = ""
            writeRepr(to: &out)
            return out
        }
    }

    /// Python's `repr()`: strings quoted, lists and dicts as literals.
    public var pythonRepr: String {
        var out = ""
        writeRepr(to: &out)
        return out
    }

    func writeRepr(to out: inout String) {
        switch self {
        case .null: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .double(let d): out += PythonFloat.repr(d)
        case .string(let s): PythonString.writeRepr(s, to: &out)
        case .list(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.writeRepr(to: &out)
            }
            out += "]"
        case .dict(let d):
            out += "{"
            var first = true
            for (k, v) in d {
                if !first { out += ", " }
                first = false
                PythonString.writeRepr(k, to: &out)
                out += ": "
                v.writeRepr(to: &out)
            }
            out += "}"
        }
    }

    /// Python's `bool()`: empty strings, lists and dicts, 0 and None are false.
    /// Unlike `isTruthy`, the string "false" is true here, as in Jinja2.
    public var pythonTruthy: Bool {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.isEmpty
        case .dict(let d): return !d.isEmpty
        }
    }

    /// The Python type name, as Jinja2's and Ansible's messages spell it.
    public var pythonTypeName: String {
        switch self {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .dict: return "dict"
        }
    }

    /// The number in this value (bools count, as in Python), or nil.
    var numeric: Double? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The integer in this value (bools count, as in Python), or nil.
    var integer: Int? {
        switch self {
        case .bool(let b): return b ? 1 : 0
        case .int(let i): return i
        default: return nil
        }
    }

    var isNumber: Bool { numeric != nil }

    /// True when some string in this value contains `{{`, `{%` or `{#`.
    public var containsTemplate: Bool {
        switch self {
        case .string(let s): return Template.containsTemplate(s)
        case .list(let l): return l.contains { $0.containsTemplate }
        case .dict(let d): return d.values.contains { $0.containsTemplate }
        default: return false
        }
    }
}

/// Python's `repr()` of strings.
enum PythonString {
    static func writeRepr(_ s: String, to out: inout String) {
        let quote: Character = (s.contains("'") && !s.contains("\"")) ? "\"" : "'"
        out.append(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if Character(scalar) == quote {
                    out += "\\"
                    out.unicodeScalars.append(scalar)
                } else if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += escape(scalar)
                }
            }
        }
        out.append(quote)
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        let v = scalar.value
        let hex = String(v, radix: 16)
        if v < 0x100 { return "\\x" + String(repeating: "0", count: 2 - hex.count) + hex }
        if v < 0x10000 { return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex }
        return "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// Python's `str.isprintable()` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        if scalar.value < 0x20 || scalar.value == 0x7F { return false }
        if scalar.isASCII { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned,
             .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}

/// Python's `repr()` of floats: the shortest digits that round-trip, in
/// fixed notation for exponents -4..<16 and scientific otherwise.
enum PythonFloat {
    static func repr(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == 0 { return d.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description is also shortest-round-trip; reformat it.
        var text = Swift.abs(d).description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var digits = ""
        var pointPosition = 0
        var seenPoint = false
        for ch in text {
            if ch == "." { seenPoint = true; continue }
            digits.append(ch)
            if !seenPoint { pointPosition += 1 }
        }
        // Normalise: strip leading zeros (moving the point) and trailing zeros.
        while digits.first == "0" && digits.count > 1 {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" && digits.count > 1 { digits.removeLast() }
        // Value = 0.DIGITS * 10^(pointPosition + exponent); scientific exponent is one less.
        let sciExponent = pointPosition + exponent - 1
        let sign = d < 0 ? "-" : ""
        if sciExponent >= -4 && sciExponent < 16 {
            let intCount = sciExponent + 1
            if intCount <= 0 {
                return sign + "0." + String(repeating: "0", count: -intCount) + digits
            }
            if intCount >= digits.count {
                return sign + digits + String(repeating: "0", count: intCount - digits.count) + ".0"
            }
            let cut = digits.index(digits.startIndex, offsetBy: intCount)
            return sign + digits[..<cut] + "." + digits[cut...]
        }
        var mantissa = String(digits.first ?? "0")
        if digits.count > 1 { mantissa += "." + digits.dropFirst() }
        let expText = String(Swift.abs(sciExponent))
        return sign + mantissa + "e" + (sciExponent < 0 ? "-" : "+")
            + (expText.count < 2 ? "0" + expText : expText)
    }
}
