import Foundation

/// A Python `re` pattern run on ICU (`NSRegularExpression`).
///
/// Python-only syntax is translated: `(?P<name>…)` → `(?<name>…)`,
/// `(?P=name)` → `\k<name>`, `\Z` → `\z`, and a `{` that does not start a
/// quantifier is escaped. Replacement strings use Python's `\1`, `\g<1>`,
/// `\g<name>` references, expanded here rather than by ICU's `$1` templates.
public struct PythonRegex {
    public struct Match {
        public let text: String
        public let result: NSTextCheckingResult
        public let regex: NSRegularExpression

        public var numberOfGroups: Int { result.numberOfRanges - 1 }

        public func group(_ i: Int) -> String? {
            guard i < result.numberOfRanges else { return nil }
            let r = result.range(at: i)
            guard r.location != NSNotFound, let range = Range(r, in: text) else { return nil }
            return String(text[range])
        }

        public func group(named name: String) -> String? {
            let r = result.range(withName: name)
            guard r.location != NSNotFound, let range = Range(r, in: text) else { return nil }
            return String(text[range])
        }

        public var range: Range<String.Index> { Range(result.range, in: text)! }
    }

    public struct Failure: Error {}

    public let regex: NSRegularExpression
    public let groupNames: [String]

    public init(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false) throws(PythonRegex.Failure) {
        var options: NSRegularExpression.Options = []
        if ignoreCase { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        let (translated, names) = Self.translate(pattern)
        do {
            regex = try NSRegularExpression(pattern: translated, options: options)
        } catch {
            throw Failure()
        }
        groupNames = names
    }

    /// Python syntax to ICU syntax, and the named groups in order.
    static func translate(_ pattern: String) -> (String, [String]) {
        let chars = Array(pattern)
        var out = ""
        var names: [String] = []
        var i = 0
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let n = chars[i + 1]
                out += n == "Z" && !inClass ? "\\z" : String([c, n])
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.append(c)
                i += 1
                continue
            }
            if c == "[" {
                inClass = true
                out.append(c)
                i += 1
                // A leading ']' (or '^]') is literal in both dialects.
                if i < chars.count, chars[i] == "^" { out.append("^"); i += 1 }
                if i < chars.count, chars[i] == "]" { out += "\\]"; i += 1 }
                continue
            }
            if c == "(", i + 3 < chars.count, chars[i + 1] == "?", chars[i + 2] == "P" {
                if chars[i + 3] == "<" {
                    var j = i + 4
                    var name = ""
                    while j < chars.count, chars[j] != ">" { name.append(chars[j]); j += 1 }
                    names.append(name)
                    out += "(?<"
                    i += 4
                    continue
                }
                if chars[i + 3] == "=" {
                    var j = i + 4
                    var name = ""
                    while j < chars.count, chars[j] != ")" { name.append(chars[j]); j += 1 }
                    out += "\\k<\(name)>"
                    i = j + 1
                    continue
                }
            }
            if c == "(", i + 2 < chars.count, chars[i + 1] == "?", chars[i + 2] == "<",
               i + 3 < chars.count, chars[i + 3] != "=", chars[i + 3] != "!" {
                var j = i + 3
                var name = ""
                while j < chars.count, chars[j] != ">" { name.append(chars[j]); j += 1 }
                names.append(name)
            }
            if c == "{" && !isQuantifier(chars, at: i) {
                out += "\\{"
                i += 1
                continue
            }
            if c == "}" && !closesQuantifier(chars, at: i) {
                out += "\\}"
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        return (out, names)
    }

    static func isQuantifier(_ chars: [Character], at i: Int) -> Bool {
        guard i > 0 else { return false }
        var j = i + 1
        var digits = 0
        while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1; digits += 1 }
        if j < chars.count, chars[j] == "," {
            j += 1
            while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1; digits += 1 }
        }
        return digits > 0 && j < chars.count && chars[j] == "}"
    }

    static func closesQuantifier(_ chars: [Character], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, chars[j].isASCII, chars[j].isNumber || chars[j] == "," { j -= 1 }
        return j >= 0 && j < i - 1 && chars[j] == "{" && isQuantifier(chars, at: j)
    }

    func fullRange(_ s: String) -> NSRange { NSRange(s.startIndex..., in: s) }

    /// Python `re.search`.
    public func search(_ s: String) -> Match? {
        regex.firstMatch(in: s, options: [], range: fullRange(s)).map { Match(text: s, result: $0, regex: regex) }
    }

    /// Python `re.match`: anchored at the start.
    public func matchAtStart(_ s: String) -> Match? {
        regex.firstMatch(in: s, options: [.anchored], range: fullRange(s)).map { Match(text: s, result: $0, regex: regex) }
    }

    public func matches(_ s: String) -> [Match] {
        regex.matches(in: s, options: [], range: fullRange(s)).map { Match(text: s, result: $0, regex: regex) }
    }

    /// One part of a parsed Python replacement string.
    public enum ReplacementPart {
        case literal(String)
        case group(Int)
        case named(String)
    }

    /// Parses `\1`, `\g<1>`, `\g<name>` and escapes; nil message on success.
    public static func parseReplacement(_ repl: String) -> ([ReplacementPart], String?) {
        var parts: [ReplacementPart] = []
        var literal = ""
        let chars = Array(repl)
        var i = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { literal.append(c); i += 1; continue }
            let n = chars[i + 1]
            if n.isASCII, n.isNumber {
                var digits = String(n)
                i += 2
                if i < chars.count, chars[i].isASCII, chars[i].isNumber { digits.append(chars[i]); i += 1 }
                flush()
                parts.append(.group(Int(digits)!))
                continue
            }
            if n == "g" {
                guard i + 2 < chars.count, chars[i + 2] == "<", let close = chars[(i + 3)...].firstIndex(of: ">") else {
                    return (parts, "missing '<' or '>' in \\g<...> group reference")
                }
                let name = String(chars[(i + 3)..<close])
                flush()
                parts.append(Int(name).map { .group($0) } ?? .named(name))
                i = close + 1
                continue
            }
            switch n {
            case "n": literal.append("\n")
            case "t": literal.append("\t")
            case "r": literal.append("\r")
            case "f": literal.append("\u{0C}")
            case "v": literal.append("\u{0B}")
            case "a": literal.append("\u{07}")
            case "b": literal.append("\u{08}")
            case "\\": literal.append("\\")
            default:
                if n.isASCII && n.isLetter { return (parts, "bad escape \\\(n) in the replacement string") }
                literal.append("\\")
                literal.append(n)
            }
            i += 2
        }
        flush()
        return (parts, nil)
    }

    /// Python `re.sub(pattern, repl, s, count)`.
    public func replace(_ s: String, with parts: [ReplacementPart], count: Int) throws(PythonRegex.Failure) -> String {
        var out = ""
        var last = s.startIndex
        var done = 0
        for m in matches(s) {
            if count > 0 && done >= count { break }
            let r = m.range
            out += s[last..<r.lowerBound]
            for part in parts {
                switch part {
                case .literal(let l): out += l
                case .group(let g):
                    guard g <= m.numberOfGroups else { throw Failure() }
                    out += m.group(g) ?? ""
                case .named(let n):
                    guard groupNames.contains(n) else { throw Failure() }
                    out += m.group(named: n) ?? ""
                }
            }
            last = r.upperBound
            done += 1
        }
        out += s[last...]
        return out
    }
}

extension Evaluator {
    func regex(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, for call: FilterCall) throws(TemplateError) -> PythonRegex {
        let key = "\(ignoreCase ? 1 : 0)\(multiline ? 1 : 0)" + pattern
        if let cached = regexCache[key] { return cached }
        do {
            let r = try PythonRegex(pattern, ignoreCase: ignoreCase, multiline: multiline)
            if regexCache.count > 256 { regexCache.removeAll() }
            regexCache[key] = r
            return r
        } catch {
            throw call.fail(.valueError, "invalid regular expression \(Value.string(pattern).pythonRepr): check its syntax (Python 're' syntax)")
        }
    }
}
