import Foundation

/// Python string formatting: `'%s-%d' % (a, b)` and `'{} {name}'.format(...)`.
enum PythonFormat {
    struct Spec {
        var fill: Character = " "
        var align: Character?
        var sign: Character = "-"
        var zero = false
        var width = 0
        var grouping = false
        var precision: Int?
        var type: Character?
    }

    /// `format % args`.
    static func percent(_ format: String, _ args: Value, fail: (TemplateError.Code, String) -> TemplateError) throws(TemplateError) -> String {
        var positional: [Value]
        var mapping: [String: Value]? = nil
        switch args {
        case .list(let l):
            // Drover has no tuples: a list is the argument tuple, unless the
            // format takes exactly one value and the list is not of length 1.
            positional = l
            if l.count != 1 && conversionCount(format) == 1 { positional = [args] }
        case .dict(let d):
            positional = [args]
            mapping = Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value) })
        default: positional = [args]
        }
        var out = ""
        var next = 0
        let chars = Array(format)
        var i = 0
        func bad(_ m: String) -> TemplateError { fail(.typeError, m) }
        while i < chars.count {
            let c = chars[i]
            i += 1
            guard c == "%" else { out.append(c); continue }
            guard i < chars.count else { throw fail(.valueError, "incomplete format") }
            var key: String?
            if chars[i] == "(" {
                guard let close = chars[i...].firstIndex(of: ")") else { throw fail(.valueError, "incomplete format key") }
                key = String(chars[(i + 1)..<close])
                i = close + 1
            }
            var spec = Spec()
            while i < chars.count, "-+ 0#".contains(chars[i]) {
                switch chars[i] {
                case "-": spec.align = "<"
                case "+": spec.sign = "+"
                case " ": spec.sign = " "
                case "0": spec.zero = true
                default: break
                }
                i += 1
            }
            var width = ""
            while i < chars.count, chars[i].isASCII, chars[i].isNumber { width.append(chars[i]); i += 1 }
            spec.width = Int(width) ?? 0
            if i < chars.count, chars[i] == "." {
                i += 1
                var p = ""
                while i < chars.count, chars[i].isASCII, chars[i].isNumber { p.append(chars[i]); i += 1 }
                spec.precision = Int(p) ?? 0
            }
            guard i < chars.count else { throw fail(.valueError, "incomplete format") }
            let type = chars[i]
            i += 1
            if type == "%" { out.append("%"); continue }
            let v: Value
            if let key {
                guard let m = mapping else { throw bad("format requires a mapping") }
                guard let found = m[key] else { throw fail(.valueError, "format key '\(key)' not found") }
                v = found
            } else {
                guard next < positional.count else { throw bad("not enough arguments for format string") }
                v = positional[next]
                next += 1
            }
            if spec.align == nil && spec.zero && "diouxXeEfFgG".contains(type) { spec.fill = "0"; spec.align = "=" }
            if spec.align == nil { spec.align = ">" }
            switch type {
            case "s": spec.type = "s"; out += try apply(spec, .string(v.pythonString), bad)
            case "r", "a": out += try apply(spec, .string(v.pythonRepr), bad)
            case "c":
                if case .string = v { out += try apply(spec, v, bad) }
                else if let n = v.integer, let sc = Unicode.Scalar(n) { out += try apply(spec, .string(String(Character(sc))), bad) }
                else { throw bad("%c requires int or char") }
            case "d", "i", "u", "x", "X", "o", "e", "E", "f", "F", "g", "G":
                var number = v
                if case .string = v { throw bad("%\(type) format: a real number is required, not str") }
                guard v.isNumber else { throw bad("%\(type) format: a real number is required, not \(v.pythonTypeName)") }
                if "diu".contains(type), case .double(let d) = v { number = .int(Int(d)) }
                if "xXo".contains(type), v.integer == nil { throw bad("%\(type) format: an integer is required, not float") }
                if "eEfFgG".contains(type), spec.precision == nil { spec.precision = 6 }
                spec.type = "diu".contains(type) ? "d" : type
                out += try apply(spec, number, bad)
            default:
                throw fail(.valueError, "unsupported format character '\(type)'")
            }
        }
        if mapping == nil, next < positional.count {
            throw bad("not all arguments converted during string formatting")
        }
        return out
    }

    /// How many values a %-format consumes (`%%` excluded).
    static func conversionCount(_ format: String) -> Int {
        var count = 0
        var i = format.startIndex
        while let p = format[i...].firstIndex(of: "%") {
            let next = format.index(after: p)
            if next < format.endIndex, format[next] == "%" {
                i = format.index(after: next)
                continue
            }
            count += 1
            i = next
            if i >= format.endIndex { break }
        }
        return count
    }

    /// `format.format(*args, **kwargs)`.
    static func format(_ format: String, args: [Value], kwargs: [String: Value], fail: (String) -> TemplateError) throws(TemplateError) -> String {
        var out = ""
        let chars = Array(format)
        var i = 0
        var auto = 0
        while i < chars.count {
            let c = chars[i]
            if c == "}" {
                guard i + 1 < chars.count, chars[i + 1] == "}" else { throw fail("single '}' encountered in format string") }
                out.append("}")
                i += 2
                continue
            }
            guard c == "{" else { out.append(c); i += 1; continue }
            if i + 1 < chars.count, chars[i + 1] == "{" { out.append("{"); i += 2; continue }
            guard let close = chars[(i + 1)...].firstIndex(of: "}") else { throw fail("single '{' encountered in format string") }
            let field = String(chars[(i + 1)..<close])
            i = close + 1
            var name = field
            var specText = ""
            var conversion: Character?
            if let colon = field.firstIndex(of: ":") {
                name = String(field[..<colon])
                specText = String(field[field.index(after: colon)...])
            }
            if let bang = name.firstIndex(of: "!") {
                conversion = name[name.index(after: bang)...].first
                name = String(name[..<bang])
            }
            var v: Value
            var rest = Substring(name)
            let head = rest.prefix { $0 != "." && $0 != "[" }
            rest = rest.dropFirst(head.count)
            if head.isEmpty {
                guard auto < args.count else { throw fail("Replacement index \(auto) out of range for positional args tuple") }
                v = args[auto]
                auto += 1
            } else if let n = Int(head) {
                guard n < args.count else { throw fail("Replacement index \(n) out of range for positional args tuple") }
                v = args[n]
            } else {
                guard let found = kwargs[String(head)] else { throw fail("no value for field '\(head)'") }
                v = found
            }
            while let first = rest.first {
                rest = rest.dropFirst()
                let key: Substring
                if first == "." {
                    key = rest.prefix { $0 != "." && $0 != "[" }
                    rest = rest.dropFirst(key.count)
                } else {
                    key = rest.prefix { $0 != "]" }
                    rest = rest.dropFirst(key.count + 1)
                }
                switch v {
                case .dict(let d):
                    guard first == "[", let found = d[String(key)] else {
                        throw fail(first == "." ? "'dict' object has no attribute '\(key)' (use [\(key)] for dict keys)" : "key '\(key)' not found")
                    }
                    v = found
                case .list(let l):
                    guard let n = Int(key), n >= 0, n < l.count else { throw fail("index \(key) out of range") }
                    v = l[n]
                default: throw fail("cannot look up '\(key)' in \(v.pythonTypeName)")
                }
            }
            if conversion == "r" { v = .string(v.pythonRepr) } else if conversion == "s" { v = .string(v.pythonString) }
            var spec = try parseSpec(specText, fail: fail)
            if spec.align == nil { spec.align = v.isNumber && v != .bool(true) && v != .bool(false) ? ">" : "<" }
            out += try apply(spec, v, fail)
        }
        return out
    }

    static func parseSpec(_ text: String, fail: (String) -> TemplateError) throws(TemplateError) -> Spec {
        var spec = Spec()
        var chars = Array(text)[...]
        if chars.count >= 2, "<>^=".contains(chars[chars.startIndex + 1]) {
            spec.fill = chars.first!
            spec.align = chars[chars.startIndex + 1]
            chars = chars.dropFirst(2)
        } else if let f = chars.first, "<>^=".contains(f) {
            spec.align = f
            chars = chars.dropFirst()
        }
        if let f = chars.first, "+- ".contains(f) { spec.sign = f; chars = chars.dropFirst() }
        if chars.first == "#" { chars = chars.dropFirst() }
        if chars.first == "0" {
            spec.zero = true
            if spec.align == nil { spec.fill = "0"; spec.align = "=" }
            chars = chars.dropFirst()
        }
        var width = ""
        while let f = chars.first, f.isASCII, f.isNumber { width.append(f); chars = chars.dropFirst() }
        spec.width = Int(width) ?? 0
        if chars.first == "," { spec.grouping = true; chars = chars.dropFirst() }
        if chars.first == "." {
            chars = chars.dropFirst()
            var p = ""
            while let f = chars.first, f.isASCII, f.isNumber { p.append(f); chars = chars.dropFirst() }
            spec.precision = Int(p) ?? 0
        }
        if let f = chars.first { spec.type = f; chars = chars.dropFirst() }
        guard chars.isEmpty else { throw fail("invalid format specifier '\(text)'") }
        return spec
    }

    static func apply(_ spec: Spec, _ v: Value, _ fail: (String) -> TemplateError) throws(TemplateError) -> String {
        var body: String
        var sign = ""
        var spec = spec
        if spec.type == nil, case .int = v { spec.type = "d" }
        switch spec.type {
        case nil, "s":
            if case .string(let s) = v, let p = spec.precision {
                body = String(s.prefix(p))
            } else if spec.type == nil, let p = spec.precision, case .double(let d) = v {
                body = String(format: "%.\(p)g", d)
            } else {
                body = v.pythonString
            }
        case "d", "x", "X", "o", "b":
            guard let i = v.integer else { throw fail("unknown format code '\(spec.type!)' for object of type '\(v.pythonTypeName)'") }
            sign = i < 0 ? "-" : (spec.sign == "-" ? "" : String(spec.sign))
            let magnitude = i.magnitude
            switch spec.type {
            case "x": body = String(magnitude, radix: 16)
            case "X": body = String(magnitude, radix: 16).uppercased()
            case "o": body = String(magnitude, radix: 8)
            case "b": body = String(magnitude, radix: 2)
            default: body = String(magnitude)
            }
            if spec.grouping { body = group(body) }
        case "f", "F", "e", "E", "g", "G", "%":
            guard var d = v.numeric else { throw fail("unknown format code '\(spec.type!)' for object of type '\(v.pythonTypeName)'") }
            if spec.type == "%" { d *= 100 }
            sign = d.sign == .minus ? "-" : (spec.sign == "-" ? "" : String(spec.sign))
            let p = spec.precision ?? 6
            let letter = spec.type == "%" ? "f" : String(spec.type!)
            body = String(format: "%.\(p)\(letter)", Swift.abs(d))
            if spec.grouping, let dot = body.firstIndex(of: ".") {
                body = group(String(body[..<dot])) + body[dot...]
            }
            if spec.type == "%" { body += "%" }
        default:
            throw fail("unknown format code '\(spec.type!)'")
        }
        let length = sign.count + body.count
        guard spec.width > length else { return sign + body }
        let pad = String(repeating: spec.fill, count: spec.width - length)
        switch spec.align {
        case "<": return sign + body + pad
        case "^":
            let left = (spec.width - length) / 2
            return String(repeating: spec.fill, count: left) + sign + body
                + String(repeating: spec.fill, count: spec.width - length - left)
        case "=": return sign + pad + body
        default: return pad + sign + body
        }
    }

    static func group(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
}
