import DroverCore
import Foundation

/// Ansible's `replace` as a pure function of the file content.
///
/// Every match of `regexp` (Python `re`, MULTILINE: `^`/`$` match at each
/// line) is replaced by `replace`, a Python template (`\1`, `\g<name>`).
/// `after` and/or `before` (DOTALL, not MULTILINE) restrict the edit to the
/// text between the first match of `after` and the nearest following match
/// of `before`; when they match nothing the file is left alone.
public struct ReplaceEdit: Sendable, Equatable {
    public var regexp: String
    public var replace: String
    public var after: String?
    public var before: String?

    public init(regexp: String, replace: String = "", after: String? = nil, before: String? = nil) {
        self.regexp = regexp
        self.replace = replace
        self.after = after
        self.before = before
    }

    /// Computes the new content of an existing file (`replace` never creates one).
    public func apply(to content: String) throws(TextEditError) -> TextEditResult {
        var pattern = ""
        let after = TextLines.truthy(self.after) ? self.after : nil
        let before = TextLines.truthy(self.before) ? self.before : nil
        if let after, let before {
            pattern = "\(after)(?P<subsection>.*?)\(before)"
        } else if let after {
            pattern = "\(after)(?P<subsection>.*)"
        } else if let before {
            pattern = "(?P<subsection>.*)\(before)"
        }

        var section = content
        var region: Range<String.Index>?
        if !pattern.isEmpty {
            let sectionRegex: PythonRegex
            do {
                sectionRegex = try PythonRegex("(?s)" + pattern)
            } catch {
                // Name the part at fault when one is invalid on its own.
                let argument = after.map { (try? PythonRegex($0)) == nil } ?? false ? "after"
                    : before.map { (try? PythonRegex($0)) == nil } ?? false ? "before"
                    : after != nil ? "after" : "before"
                let value = argument == "after" ? after ?? "" : before ?? ""
                throw TextEditError(.invalidRegex, argument: argument,
                                    "\(argument) \(TextEditError.quoted(value)) is not a valid regular expression "
                                    + "(the section pattern is \(TextEditError.quoted(pattern))): check its syntax (Python 're' syntax)")
            }
            guard let m = sectionRegex.search(content) else {
                return TextEditResult(content: content, changed: false,
                                      message: "Pattern for before/after params did not match the given file: \(pattern)")
            }
            let r = Range(m.result.range(withName: "subsection"), in: content)!
            region = r
            section = String(content[r])
        }

        let regex = try TextLines.compile(regexp, argument: "regexp", multiline: true)
        let parts = try TextLines.template(replace, for: regex, argument: "replace")
        let matches = Self.pythonMatches(regex, in: section)
        var replaced = ""
        var last = section.startIndex
        for m in matches {
            let r = Range(m.range, in: section)!
            replaced += section[last..<r.lowerBound]
            replaced += TextLines.expand(parts, text: section, m)
            last = r.upperBound
        }
        replaced += section[last...]

        guard !matches.isEmpty, !TextLines.same(section, replaced) else {
            return TextEditResult(content: content, changed: false, message: "")
        }
        let result = region.map { String(content[..<$0.lowerBound]) + replaced + String(content[$0.upperBound...]) } ?? replaced
        return TextEditResult(content: result, changed: true, message: "\(matches.count) replacements made")
    }

    /// The matches Python's `re.finditer` finds with MULTILINE.
    ///
    /// ICU's `^` never matches at the very end of the text, while Python's
    /// matches there after a final newline (`^(.*)$` also matches the empty
    /// "line" after the last `\n`); that last match is added here.
    static func pythonMatches(_ regex: PythonRegex, in text: String) -> [NSTextCheckingResult] {
        let end = NSRange(text.endIndex..<text.endIndex, in: text)
        var matches = regex.regex.matches(in: text, options: [], range: NSRange(text.startIndex..., in: text))
        guard TextLines.endsWithLF(text), regex.regex.pattern.contains("^"), !regex.regex.pattern.contains("\\A"),
              matches.last?.range != end
        else { return matches }
        if let r = regex.regex.firstMatch(in: text, options: [.anchored, .withTransparentBounds], range: end) {
            matches.append(r)
        }
        return matches
    }
}
