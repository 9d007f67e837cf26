import Foundation

/// Text filters: case, trimming, splitting, paths, quoting, encodings, hashes.
extension Evaluator {
    static func text(_ call: FilterCall) throws(TemplateError) -> String {
        try call.value().pythonString
    }

    static func stringFilter(_ body: @escaping @Sendable (String) -> String) -> FilterFunction {
        { _, call throws(TemplateError) in
            _ = try call.bind([])
            return .string(body(try text(call)))
        }
    }

    static let stringFilters: [String: FilterFunction] = [
        "lower": stringFilter { $0.lowercased() },
        "upper": stringFilter { $0.uppercased() },
        "capitalize": stringFilter { s in
            guard let first = s.first else { return s }
            return String(first).uppercased() + s.dropFirst().lowercased()
        },
        "title": stringFilter(titleCase),
        "wordcount": { _, call throws(TemplateError) in
            _ = try call.bind([])
            var count = 0
            var inWord = false
            for c in try text(call) {
                let word = c.isLetter || c.isNumber || c == "_"
                if word && !inWord { count += 1 }
                inWord = word
            }
            return .int(count)
        },
        "trim": { _, call throws(TemplateError) in
            let p = try call.bind(["chars"])
            return .string(PythonText.strip(try text(call), chars: try p.string("chars"), leading: true, trailing: true))
        },
        "replace": { _, call throws(TemplateError) in
            let p = try call.bind(["old", "new", "count"])
            let old = try p.required("old").pythonString
            let new = try p.required("new").pythonString
            return .string(PythonText.replace(try text(call), old, new, count: try p.int("count") ?? -1))
        },
        "split": { _, call throws(TemplateError) in
            let p = try call.bind(["separator", "maxsplit"])
            let sep = try p.value("separator")
            let parts = try PythonText.split(try text(call), separator: sep == .null ? nil : sep?.pythonString,
                                             maxSplit: try p.int("maxsplit", default: -1)) { m in call.fail(.valueError, m) }
            return .list(parts.map { .string($0) })
        },
        "center": { _, call throws(TemplateError) in
            let p = try call.bind(["width"])
            return .string(PythonText.center(try text(call), width: try p.int("width", default: 80), fill: " "))
        },
        "indent": { _, call throws(TemplateError) in
            let p = try call.bind(["width", "first", "blank"])
            let indentation: String
            if case .string(let s)? = try p.value("width") { indentation = s } else {
                indentation = String(repeating: " ", count: try p.int("width", default: 4))
            }
            let lines = PythonText.splitLines(try text(call) + "\n")
            var out: String
            if try p.bool("blank", default: false) {
                out = lines.joined(separator: "\n" + indentation)
            } else {
                out = lines.first ?? ""
                for line in lines.dropFirst() { out += "\n" + (line.isEmpty ? "" : indentation + line) }
            }
            if try p.bool("first", default: false) { out = indentation + out }
            return .string(out)
        },
        "truncate": { _, call throws(TemplateError) in
            let p = try call.bind(["length", "killwords", "end", "leeway"])
            let s = try text(call)
            let length = try p.int("length", default: 255)
            let end = try p.string("end", default: "...")
            let leeway = try p.int("leeway", default: 5)
            if s.count <= length + leeway { return .string(s) }
            let head = String(s.prefix(max(0, length - end.count)))
            if try p.bool("killwords", default: false) { return .string(head + end) }
            if let space = head.lastIndex(of: " ") { return .string(String(head[..<space]) + end) }
            return .string(head + end)
        },
        "quote": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            return .string(shellQuote(v == .null ? "" : v.pythonString))
        },
        "basename": stringFilter { PythonText.basename($0) },
        "dirname": stringFilter { PythonText.dirname($0) },
        "splitext": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let (root, ext) = PythonText.splitext(try text(call))
            return .list([.string(root), .string(ext)])
        },
        "path_join": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            let parts: [String]
            if case .list(let l) = v { parts = l.map(\.pythonString) } else { parts = [v.pythonString] }
            var out = ""
            for part in parts {
                if part.hasPrefix("/") || out.isEmpty { out = part } else if out.hasSuffix("/") { out += part } else { out += "/" + part }
            }
            return .string(out)
        },
        "b64encode": { _, call throws(TemplateError) in
            _ = try call.bind(["encoding"])
            return .string(Data(try text(call).utf8).base64EncodedString())
        },
        "b64decode": { _, call throws(TemplateError) in
            _ = try call.bind(["encoding"])
            let cleaned = try text(call).filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: cleaned) else {
                throw call.fail(.valueError, "the input is not valid base64 (check the padding '=' at the end)")
            }
            guard let s = String(data: data, encoding: .utf8) else {
                throw call.fail(.valueError, "the decoded data is not UTF-8 text")
            }
            return .string(s)
        },
        "hash": { _, call throws(TemplateError) in
            let p = try call.bind(["hashtype"])
            let kind = try p.string("hashtype", default: "sha1")
            let bytes = Array(try text(call).utf8)
            switch kind {
            case "md5": return .string(Digest.hex(Digest.md5(bytes)))
            case "sha1": return .string(Digest.hex(Digest.sha1(bytes)))
            case "sha256": return .string(Digest.hex(Digest.sha256(bytes)))
            default: throw call.fail(.unsupported, "hash type '\(kind)' is not supported: use md5, sha1 or sha256")
            }
        },
        "safe": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return try call.value()
        },
        "escape": htmlEscape,
        "e": htmlEscape,
        "urlencode": { _, call throws(TemplateError) in
            _ = try call.bind([])
            switch try call.value() {
            case .dict(let d):
                return .string(d.map { urlQuote($0.key, forQuery: true) + "=" + urlQuote($0.value.pythonString, forQuery: true) }
                    .joined(separator: "&"))
            case .list(let l):
                var parts: [String] = []
                for item in l {
                    guard case .list(let kv) = item, kv.count == 2 else { throw call.fail(.typeError, "urlencode needs a string, a dict or a list of pairs") }
                    parts.append(urlQuote(kv[0].pythonString, forQuery: true) + "=" + urlQuote(kv[1].pythonString, forQuery: true))
                }
                return .string(parts.joined(separator: "&"))
            case let v:
                return .string(urlQuote(v.pythonString, forQuery: false))
            }
        },
        "checksum": stringFilter { Digest.hex(Digest.sha1(Array($0.utf8))) },
        "md5": stringFilter { Digest.hex(Digest.md5(Array($0.utf8))) },
        "sha1": stringFilter { Digest.hex(Digest.sha1(Array($0.utf8))) },
        "to_uuid": { _, call throws(TemplateError) in
            let p = try call.bind(["namespace"])
            let namespace = try p.string("namespace", default: "361E6D51-FAEC-444A-9079-341386DA8E2E")
            guard let ns = UUID(uuidString: namespace) else { throw call.fail(.valueError, "namespace is not a UUID") }
            let u = ns.uuid
            var bytes = [u.0, u.1, u.2, u.3, u.4, u.5, u.6, u.7, u.8, u.9, u.10, u.11, u.12, u.13, u.14, u.15]
            bytes += Array(try text(call).utf8)
            var d = Array(Digest.sha1(bytes).prefix(16))
            d[6] = (d[6] & 0x0F) | 0x50
            d[8] = (d[8] & 0x3F) | 0x80
            let h = Digest.hex(d)
            let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
                String(h[h.index(h.startIndex, offsetBy: r.lowerBound)..<h.index(h.startIndex, offsetBy: r.upperBound)])
            }
            return .string(parts.joined(separator: "-"))
        },
    ]

    static let htmlEscape: FilterFunction = stringFilter { s in
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Python's `urllib.parse.quote` (UTF-8, `/` kept unless for a query,
    /// where spaces become `+`).
    static func urlQuote(_ s: String, forQuery: Bool) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80, c.isLetter || c.isNumber || "_.-~".contains(c) || (!forQuery && c == "/") {
                out.append(c)
            } else if forQuery && b == 0x20 {
                out.append("+")
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func titleCase(_ s: String) -> String {
        var out = ""
        var atStart = true
        for c in s {
            let delimiter = c.isWhitespace || "-({[<".contains(c)
            out += atStart && !delimiter ? String(c).uppercased() : String(c).lowercased()
            atStart = delimiter
        }
        return out
    }

    /// Python's `shlex.quote`.
    static func shellQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = s.unicodeScalars.allSatisfy { c in
            c.isASCII && (CharacterSet.alphanumerics.contains(c) || "_@%+=:,./-".unicodeScalars.contains(c))
        }
        if safe { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}

/// Python `str` methods and `os.path` helpers shared by filters and methods.
enum PythonText {
    static func isSpace(_ c: Character) -> Bool { c.isWhitespace }

    static func strip(_ s: String, chars: String?, leading: Bool, trailing: Bool) -> String {
        let set: (Character) -> Bool = chars.map { cs in { cs.contains($0) } } ?? isSpace
        var sub = Substring(s)
        if leading { sub = sub.drop(while: set) }
        if trailing { while let last = sub.last, set(last) { sub = sub.dropLast() } }
        return String(sub)
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int) -> String {
        if old.isEmpty {
            // Python inserts `new` between every character (and at both ends).
            var out = new
            var n = count < 0 ? Int.max : count - 1
            for c in s {
                out.append(c)
                if n > 0 { out += new; n -= 1 }
            }
            return count == 0 ? s : out
        }
        if count < 0 { return s.replacingOccurrences(of: old, with: new) }
        var out = ""
        var rest = Substring(s)
        var done = 0
        while done < count, let r = rest.range(of: old) {
            out += rest[..<r.lowerBound]
            out += new
            rest = rest[r.upperBound...]
            done += 1
        }
        return out + rest
    }

    static func split(_ s: String, separator: String?, maxSplit: Int,
                      fail: (String) -> TemplateError) throws(TemplateError) -> [String] {
        guard let separator else {
            var out: [String] = []
            var rest = Substring(s).drop(while: isSpace)
            while !rest.isEmpty {
                if maxSplit >= 0 && out.count >= maxSplit {
                    out.append(String(strip(String(rest), chars: nil, leading: false, trailing: true)))
                    break
                }
                let word = rest.prefix { !isSpace($0) }
                out.append(String(word))
                rest = rest.dropFirst(word.count).drop(while: isSpace)
            }
            return out
        }
        if separator.isEmpty { throw fail("empty separator") }
        var out: [String] = []
        var rest = Substring(s)
        while maxSplit < 0 || out.count < maxSplit, let r = rest.range(of: separator) {
            out.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        out.append(String(rest))
        return out
    }

    /// Python's `str.splitlines()` (line breaks dropped).
    static func splitLines(_ s: String) -> [String] {
        var out: [String] = []
        var line = ""
        for c in s {
            if c == "\n" || c == "\r\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}" {
                out.append(line)
                line = ""
            } else {
                line.append(c)
            }
        }
        if !line.isEmpty { out.append(line) }
        return out
    }

    static func center(_ s: String, width: Int, fill: Character) -> String {
        let margin = width - s.count
        guard margin > 0 else { return s }
        let left = margin / 2 + (margin & width & 1)
        return String(repeating: fill, count: left) + s + String(repeating: fill, count: margin - left)
    }

    static func basename(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return p }
        return String(p[p.index(after: slash)...])
    }

    static func dirname(_ p: String) -> String {
        guard let slash = p.lastIndex(of: "/") else { return "" }
        let head = String(p[...slash])
        if head.allSatisfy({ $0 == "/" }) { return head }
        return String(head.reversed().drop { $0 == "/" }.reversed())
    }

    static func splitext(_ p: String) -> (String, String) {
        let base = basename(p)
        guard let dot = base.lastIndex(of: "."), base[..<dot].contains(where: { $0 != "." }) else { return (p, "") }
        let ext = String(base[dot...])
        return (String(p.dropLast(ext.count)), ext)
    }
}
