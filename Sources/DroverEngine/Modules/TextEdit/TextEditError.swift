import DroverCore
import Foundation

/// Why a text edit (`lineinfile`, `blockinfile`, `replace`) could not be
/// computed. `message` names the argument at fault and says what to fix.
public struct TextEditError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// A pattern argument is not a valid (Python `re`) regular expression.
        case invalidRegex = "invalid_regex"
        /// A replacement template (`replace`, `line` with `backrefs`, `marker_begin`…)
        /// has a bad escape or refers to a group the pattern does not have.
        case invalidReplacement = "invalid_replacement"
        /// An argument the chosen mode needs was not given.
        case missingArgument = "missing_argument"
        /// Two arguments that exclude each other were both given.
        case conflictingArguments = "conflicting_arguments"
    }

    public var code: Code
    /// The module argument at fault (`regexp`, `insertafter`, …).
    public var argument: String
    public var message: String

    public init(_ code: Code, argument: String, _ message: String) {
        self.code = code
        self.argument = argument
        self.message = message
    }

    public var description: String { message }

    static func invalidRegex(_ argument: String, _ pattern: String) -> TextEditError {
        TextEditError(.invalidRegex, argument: argument,
                      "\(argument) \(quoted(pattern)) is not a valid regular expression: check its syntax "
                      + "(Python 're' syntax; escape literal characters such as '(', '[', '*', '+', '?' with a backslash)")
    }

    static func conflicting(_ a: String, _ b: String) -> TextEditError {
        TextEditError(.conflictingArguments, argument: a,
                      "parameters are mutually exclusive: \(a)|\(b): give only one of them")
    }

    static func quoted(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
            .replacingOccurrences(of: "\n", with: "\\n") + "'"
    }
}

/// What a text edit computed: the new content and Ansible's result fields.
public struct TextEditResult: Sendable, Equatable {
    /// The whole new file content (equal to the old one when `changed` is false).
    public var content: String
    /// Whether the content differs from the old one (the caller writes only then).
    public var changed: Bool
    /// Ansible's `msg`: "line added", "line replaced", "2 line(s) removed",
    /// "Block inserted", "Block removed", "File created", "3 replacements made", or "".
    public var message: String
    /// lineinfile with `state: absent` on an existing file: how many lines matched.
    public var found: Int?
    /// Ansible's warnings (e.g. an empty `regexp` matches every line).
    public var warnings: [String]

    public init(content: String, changed: Bool, message: String, found: Int? = nil, warnings: [String] = []) {
        self.content = content
        self.changed = changed
        self.message = message
        self.found = found
        self.warnings = warnings
    }
}

/// Byte-level line handling, as the Ansible modules do it on `bytes`.
///
/// Swift's `String` compares and splits by grapheme cluster (`"\r\n"` is a
/// single `Character`, `"é"` equals `"e\u{301}"`); these helpers work on
/// UTF-8 so that results match Python's byte operations exactly.
enum TextLines {
    static let lf = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")

    /// Python `bytes.readlines()`: split after every `\n`, keeping it.
    static func readLines(_ s: String) -> [String] {
        split(s) { bytes, i in bytes[i] == lf ? i + 1 : nil }
    }

    /// Python `bytes.splitlines(True)`: split after `\n`, `\r` or `\r\n`, keeping them.
    static func splitLines(_ s: String) -> [String] {
        split(s) { bytes, i in
            switch bytes[i] {
            case lf: return i + 1
            case cr: return i + 1 < bytes.count && bytes[i + 1] == lf ? i + 2 : i + 1
            default: return nil
            }
        }
    }

    /// Splits `s` where `end(bytes, i)` returns the index just past a line end at `i`.
    private static func split(_ s: String, end: ([UInt8], Int) -> Int?) -> [String] {
        let bytes = Array(s.utf8)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if let next = end(bytes, i) {
                lines.append(String(decoding: bytes[start..<next], as: UTF8.self))
                start = next
                i = next
            } else {
                i += 1
            }
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    /// Byte equality (Python `bytes ==`), not Unicode canonical equivalence.
    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    /// Python `line.rstrip(b'\r\n')`.
    static func stripEOL(_ s: String) -> String {
        var bytes = Array(s.utf8)
        while let last = bytes.last, last == lf || last == cr { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func endsWithLF(_ s: String) -> Bool { s.utf8.last == lf }

    /// The last byte is `\n` or `\r`.
    static func endsWithEOL(_ s: String) -> Bool { s.utf8.last == lf || s.utf8.last == cr }

    /// Python `needle in haystack` on bytes.
    static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(haystack.utf8), n = Array(needle.utf8)
        if n.isEmpty { return true }
        guard h.count >= n.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            if h[start..<(start + n.count)].elementsEqual(n) { return true }
        }
        return false
    }

    /// Compiles a Python pattern, or throws an error naming `argument`.
    static func compile(_ pattern: String, argument: String, multiline: Bool = false) throws(TextEditError) -> PythonRegex {
        do {
            // ICU rejects an empty pattern; Python's matches everywhere.
            return try PythonRegex(pattern.isEmpty ? "(?:)" : pattern, multiline: multiline)
        } catch {
            throw TextEditError.invalidRegex(argument, pattern)
        }
    }

    /// Python `re` template parsing plus the group checks `re` does before
    /// any substitution (`invalid group reference`, `unknown group name`).
    static func template(_ repl: String, for regex: PythonRegex, argument: String) throws(TextEditError) -> [PythonRegex.ReplacementPart] {
        let (parts, problem) = PythonRegex.parseReplacement(repl)
        if let problem {
            throw TextEditError(.invalidReplacement, argument: argument,
                                "\(argument) \(TextEditError.quoted(repl)): \(problem); write a literal backslash as '\\\\'")
        }
        let groups = regex.regex.numberOfCaptureGroups
        for part in parts {
            switch part {
            case .literal: break
            case .group(let g) where g > groups:
                throw TextEditError(.invalidReplacement, argument: argument,
                                    "\(argument) \(TextEditError.quoted(repl)) refers to group \(g), but the pattern has "
                                    + "\(groups) group(s): use \\1 to \\\(groups) or add a group (...) to the pattern")
            case .group: break
            case .named(let name) where !regex.groupNames.contains(name):
                throw TextEditError(.invalidReplacement, argument: argument,
                                    "\(argument) \(TextEditError.quoted(repl)) refers to unknown group name '\(name)': "
                                    + "name it in the pattern with (?P<\(name)>...)")
            case .named: break
            }
        }
        return parts
    }

    /// Python `Match.expand`: the template with groups filled in (unmatched groups are empty).
    static func expand(_ parts: [PythonRegex.ReplacementPart], _ match: PythonRegex.Match) -> String {
        expand(parts, group: match.group(_:), named: match.group(named:))
    }

    /// The same for a raw ICU match in `text`.
    static func expand(_ parts: [PythonRegex.ReplacementPart], text: String, _ result: NSTextCheckingResult) -> String {
        func substring(_ r: NSRange) -> String? {
            guard r.location != NSNotFound, let range = Range(r, in: text) else { return nil }
            return String(text[range])
        }
        return expand(parts, group: { i in i < result.numberOfRanges ? substring(result.range(at: i)) : nil },
                      named: { n in substring(result.range(withName: n)) })
    }

    private static func expand(_ parts: [PythonRegex.ReplacementPart], group: (Int) -> String?, named: (String) -> String?) -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let l): out += l
            case .group(let g): out += group(g) ?? ""
            case .named(let n): out += named(n) ?? ""
            }
        }
        return out
    }

    /// The Python truth value of an optional string argument.
    static func truthy(_ s: String?) -> Bool { !(s ?? "").isEmpty }
}
