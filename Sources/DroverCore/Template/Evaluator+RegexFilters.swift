/// Ansible's regex filters, on Python `re` syntax (see `PythonRegex`).
extension Evaluator {
    static let regexFilters: [String: FilterFunction] = [
        "regex_replace": { ev, call throws(TemplateError) in
            let p = try call.bind(["regex", "replace", "ignorecase", "multiline", "count", "mandatory_count"])
            let s = try text(call)
            let pattern = try p.value("regex")?.pythonString ?? ""
            let replacement = try p.value("replace")?.pythonString ?? ""
            let re = try ev.regex(pattern, ignoreCase: try p.bool("ignorecase", default: false),
                                  multiline: try p.bool("multiline", default: false), for: call)
            let (parts, problem) = PythonRegex.parseReplacement(replacement)
            if let problem { throw call.fail(.valueError, problem) }
            let mandatory = try p.int("mandatory_count", default: 0)
            if mandatory > 0 {
                let found = re.matches(s).count
                if found != mandatory {
                    throw call.fail(.filterError, "'\(pattern)' should match \(mandatory) times, but matches \(found) times")
                }
            }
            let count = try p.int("count", default: 0)
            do throws(PythonRegex.Failure) {
                return .string(try re.replace(s, with: parts, count: count))
            } catch {
                throw call.fail(.valueError, "the replacement refers to a group the pattern does not have")
            }
        },
        "regex_search": { ev, call throws(TemplateError) in
            var groups: [String] = []
            for a in try call.positionalValues().dropFirst() {
                let g = a.pythonString
                if g.hasPrefix("\\g<"), g.hasSuffix(">") {
                    groups.append(String(g.dropFirst(3).dropLast()))
                } else if g.hasPrefix("\\"), Int(g.dropFirst()) != nil {
                    groups.append(String(g.dropFirst()))
                } else {
                    throw call.fail(.valueError, "unknown argument \(a.pythonRepr): group arguments look like '\\\\1' or '\\\\g<name>'")
                }
            }
            for key in call.kwargs.keys where !["ignorecase", "multiline"].contains(key) {
                throw call.fail(.typeError, "unexpected argument '\(key)' (expected ignorecase or multiline)")
            }
            guard let patternValue = call.args.first else { throw call.fail(.typeError, "missing the regex argument") }
            let pattern = try ev.force(patternValue).pythonString
            let re = try ev.regex(pattern, ignoreCase: (try call.kwarg("ignorecase"))?.pythonTruthy ?? false,
                                  multiline: (try call.kwarg("multiline"))?.pythonTruthy ?? false, for: call)
            guard let m = re.search(try text(call)) else { return .null }
            if groups.isEmpty { return .string(m.group(0) ?? "") }
            var out: [Value] = []
            for g in groups {
                if let i = Int(g) {
                    guard i <= m.numberOfGroups else { throw call.fail(.valueError, "no such group: \(i)") }
                    out.append(m.group(i).map { .string($0) } ?? .null)
                } else {
                    guard re.groupNames.contains(g) else { throw call.fail(.valueError, "unknown group name '\(g)'") }
                    out.append(m.group(named: g).map { .string($0) } ?? .null)
                }
            }
            return .list(out)
        },
        "regex_findall": { ev, call throws(TemplateError) in
            let p = try call.bind(["regex", "ignorecase", "multiline"])
            let re = try ev.regex(try p.required("regex").pythonString, ignoreCase: try p.bool("ignorecase", default: false),
                                  multiline: try p.bool("multiline", default: false), for: call)
            return .list(re.matches(try text(call)).map { m in
                switch m.numberOfGroups {
                case 0: return .string(m.group(0) ?? "")
                case 1: return .string(m.group(1) ?? "")
                default: return .list((1...m.numberOfGroups).map { .string(m.group($0) ?? "") })
                }
            })
        },
        "regex_escape": { _, call throws(TemplateError) in
            let p = try call.bind(["re_type"])
            let s = try text(call)
            switch try p.string("re_type", default: "python") {
            case "python":
                let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}")
                return .string(s.map { special.contains($0) ? "\\" + String($0) : String($0) }.joined())
            case "posix_basic":
                let special = Set("[].^$*\\")
                return .string(s.map { special.contains($0) ? "\\" + String($0) : String($0) }.joined())
            default:
                throw call.fail(.unsupported, "re_type must be 'python' or 'posix_basic'")
            }
        },
    ]

    /// `match`, `search` and `regex` tests.
    static func regexTest(_ mode: String) -> TestFunction {
        { ev, call throws(TemplateError) in
            let p = try call.bind(["pattern", "ignorecase", "multiline", "match_type"])
            let v = try call.value()
            guard case .string(let s) = v else {
                throw call.fail(.typeError, "the '\(call.name)' test needs a string, not \(v.pythonTypeName)")
            }
            let re = try ev.regex(try p.required("pattern").pythonString, ignoreCase: try p.bool("ignorecase", default: false),
                                  multiline: try p.bool("multiline", default: false), for: call)
            let type = mode == "regex" ? try p.string("match_type", default: "search") : mode
            switch type {
            case "match": return re.matchAtStart(s) != nil
            case "search": return re.search(s) != nil
            case "fullmatch":
                guard let m = re.matchAtStart(s) else { return false }
                return m.range.upperBound == s.endIndex
            default: throw call.fail(.valueError, "match_type must be match, search or fullmatch")
            }
        }
    }
}
