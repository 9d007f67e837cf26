/// Tokens inside `{{ }}` and `{% %}`: names, numbers, strings, operators.
extension TemplateLexer {
    static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b == 95 || (b >= 48 && b <= 57)
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    /// Lexes up to and including the tag's end delimiter; returns the
    /// whitespace-control marker on it (`-`, `+` or nil).
    mutating func lexTag(isBlock: Bool, openedAt start: Int) throws(TemplateError) -> UInt8? {
        var brackets: [UInt8] = []
        // Where each open bracket is: an unclosed one is the usual reason
        // the tag's end is never found (`{{ [1, 2 }}`).
        var openings: [Int] = []
        while true {
            while pos < bytes.count && Self.isSpace(bytes[pos]) { pos += 1 }
            guard pos < bytes.count else {
                if let closer = brackets.last, let opening = openings.last {
                    let end = isBlock ? "%}" : "}}"
                    throw error("'\(Character(UnicodeScalar(bytes[opening])))' is never closed: add '\(Character(UnicodeScalar(closer)))' before '\(end)'", at: opening)
                }
                let what = isBlock ? "'{%' is never closed: add '%}'" : "'{{' is never closed: add '}}'"
                throw error("unexpected end of template: \(what)", at: start)
            }
            if brackets.isEmpty {
                if isBlock, let (after, marker) = blockClose(at: pos) {
                    emit(.blockEnd, at: pos)
                    pos = after
                    return marker
                }
                if !isBlock {
                    if starts(with: "}}", at: pos) {
                        emit(.variableEnd, at: pos)
                        pos += 2
                        return nil
                    }
                    if starts(with: "-}}", at: pos) {
                        emit(.variableEnd, at: pos)
                        pos += 3
                        return 45
                    }
                }
            }
            let b = bytes[pos]
            if Self.isNameByte(b) && !Self.isDigit(b) {
                let s = pos
                while pos < bytes.count && Self.isNameByte(bytes[pos]) { pos += 1 }
                emit(.name(String(decoding: bytes[s..<pos], as: UTF8.self)), at: s)
            } else if Self.isDigit(b) {
                try lexNumber()
            } else if b == 39 || b == 34 {
                try lexString(quote: b)
            } else {
                let (opening, depth) = (pos, brackets.count)
                try lexOperator(&brackets, isBlock: isBlock)
                if brackets.count > depth { openings.append(opening) } else if brackets.count < depth { openings.removeLast() }
            }
        }
    }

    mutating func lexOperator(_ brackets: inout [UInt8], isBlock: Bool) throws(TemplateError) {
        let s = pos
        let b = bytes[pos]
        let next: UInt8 = pos + 1 < bytes.count ? bytes[pos + 1] : 0
        let two: String?
        switch (b, next) {
        case (47, 47): two = "//"
        case (42, 42): two = "**"
        case (61, 61): two = "=="
        case (33, 61): two = "!="
        case (60, 61): two = "<="
        case (62, 61): two = ">="
        default: two = nil
        }
        if let two {
            pos += 2
            emit(.op(two), at: s)
            return
        }
        let singles: [UInt8: String] = [
            43: "+", 45: "-", 42: "*", 47: "/", 37: "%", 126: "~", 40: "(", 41: ")",
            91: "[", 93: "]", 123: "{", 125: "}", 44: ",", 46: ".", 58: ":", 124: "|",
            61: "=", 60: "<", 62: ">",
        ]
        guard let op = singles[b] else {
            let ch = String(decoding: bytes[s..<min(s + Self.scalarLength(b), bytes.count)], as: UTF8.self)
            throw error("unexpected character '\(ch)' in \(isBlock ? "'{% %}'" : "'{{ }}'"): remove it or quote it as a string", at: s)
        }
        switch b {
        case 40: brackets.append(41)
        case 91: brackets.append(93)
        case 123: brackets.append(125)
        case 41, 93, 125:
            if brackets.last == b { brackets.removeLast() }
        default: break
        }
        pos += 1
        emit(.op(op), at: s)
    }

    static func scalarLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        return 2
    }

    mutating func lexNumber() throws(TemplateError) {
        let s = pos
        func digits(_ accept: (UInt8) -> Bool) -> String {
            var out = ""
            while pos < bytes.count, accept(bytes[pos]) || (bytes[pos] == 95 && pos + 1 < bytes.count && accept(bytes[pos + 1])) {
                if bytes[pos] != 95 { out.append(Character(Unicode.Scalar(bytes[pos]))) }
                pos += 1
            }
            return out
        }
        if bytes[pos] == 48, pos + 1 < bytes.count {
            let radixByte = bytes[pos + 1] | 0x20
            let radix: Int? = radixByte == 120 ? 16 : radixByte == 111 ? 8 : radixByte == 98 ? 2 : nil
            if let radix {
                pos += 2
                let text = digits { b in
                    let lower = b | 0x20
                    switch radix {
                    case 16: return Self.isDigit(b) || (lower >= 97 && lower <= 102)
                    case 8: return b >= 48 && b <= 55
                    default: return b == 48 || b == 49
                    }
                }
                guard let v = Int(text, radix: radix) else {
                    throw error("invalid number literal: write digits after the base prefix, e.g. 0x1F", at: s)
                }
                emit(.integer(v), at: s)
                return
            }
        }
        var text = digits(Self.isDigit)
        var isFloat = false
        if pos + 1 < bytes.count, bytes[pos] == 46, Self.isDigit(bytes[pos + 1]) {
            pos += 1
            text += "." + digits(Self.isDigit)
            isFloat = true
        }
        if pos < bytes.count, bytes[pos] | 0x20 == 101 {
            var k = pos + 1
            if k < bytes.count, bytes[k] == 43 || bytes[k] == 45 { k += 1 }
            if k < bytes.count, Self.isDigit(bytes[k]) {
                let sign = bytes[pos + 1] == 45 ? "-" : ""
                pos = k
                text += "e" + sign + digits(Self.isDigit)
                isFloat = true
            }
        }
        if isFloat {
            guard let d = Double(text) else { throw error("invalid number '\(text)'", at: s) }
            emit(.float(d), at: s)
        } else {
            guard let i = Int(text) else {
                throw TemplateError(.limitExceeded, "integer literal \(text) is too large (Drover integers are 64-bit)",
                                    at: { () -> SourceLocation in let p = position(of: s); return map.location(line: p.line, column: p.column) }())
            }
            emit(.integer(i), at: s)
        }
    }

    mutating func lexString(quote: UInt8) throws(TemplateError) {
        let s = pos
        pos += 1
        var raw: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                throw error("unterminated string literal: add the closing \(quote == 39 ? "'" : "\"")", at: s)
            }
            let b = bytes[pos]
            if b == quote { pos += 1; break }
            if b == 92, pos + 1 < bytes.count {
                raw.append(b)
                raw.append(bytes[pos + 1])
                pos += 2
                continue
            }
            raw.append(b)
            pos += 1
        }
        guard let value = Self.unescape(raw) else {
            throw error("invalid escape sequence in string literal: write a backslash as '\\\\'", at: s)
        }
        emit(.string(value), at: s)
    }

    /// Python's "unicode-escape" decoding, as Jinja2 applies to string literals.
    static func unescape(_ raw: [UInt8]) -> String? {
        guard raw.contains(92) else { return String(decoding: raw, as: UTF8.self) }
        var out = String.UnicodeScalarView()
        var literal: [UInt8] = []
        func flush() {
            if !literal.isEmpty {
                out.append(contentsOf: String(decoding: literal, as: UTF8.self).unicodeScalars)
                literal.removeAll()
            }
        }
        var i = 0
        func hex(_ count: Int) -> Unicode.Scalar? {
            guard i + count <= raw.count,
                  let v = UInt32(String(decoding: raw[i..<(i + count)], as: UTF8.self), radix: 16) else { return nil }
            i += count
            return Unicode.Scalar(v)
        }
        while i < raw.count {
            let b = raw[i]
            guard b == 92, i + 1 < raw.count else {
                literal.append(b)
                i += 1
                continue
            }
            flush()
            let e = raw[i + 1]
            i += 2
            switch e {
            case 10: break  // line continuation
            case 92: out.append("\\")
            case 39: out.append("'")
            case 34: out.append("\"")
            case 97: out.append("\u{07}")
            case 98: out.append("\u{08}")
            case 102: out.append("\u{0C}")
            case 110: out.append("\n")
            case 114: out.append("\r")
            case 116: out.append("\t")
            case 118: out.append("\u{0B}")
            case 48...55:
                var v = UInt32(e - 48)
                var n = 1
                while n < 3, i < raw.count, raw[i] >= 48, raw[i] <= 55 {
                    v = v * 8 + UInt32(raw[i] - 48)
                    i += 1
                    n += 1
                }
                guard let sc = Unicode.Scalar(v) else { return nil }
                out.append(sc)
            case 120, 117, 85:
                let count = e == 120 ? 2 : e == 117 ? 4 : 8
                guard let sc = hex(count) else { return nil }
                out.append(sc)
            default:
                literal.append(92)
                literal.append(e)
            }
        }
        flush()
        return String(out)
    }
}
