import Foundation
import OrderedCollections

/// The Python methods Ansible users call in templates: `d.items()`,
/// `s.split(',')`, `l.append(x)`… Mutating list/dict methods write the new
/// value back to the variable they were called on.
extension Evaluator {
    /// Returns the result and, for mutating methods, the receiver's new value.
    func callMethod(_ name: String, on receiver: Value, _ call: FilterCall) throws(TemplateError) -> (Value, Value?) {
        switch receiver {
        case .dict(let d): return try dictMethod(name, d, call)
        case .list(let l): return try listMethod(name, l, call)
        case .string(let s): return (try stringMethod(name, s, call), nil)
        default:
            throw TemplateError(.unknownFunction, "'\(receiver.pythonTypeName)' object has no method '\(name)'", at: call.location)
        }
    }

    func noMethod(_ name: String, _ type: String, _ call: FilterCall, _ known: [String]) -> TemplateError {
        TemplateError(.unknownFunction,
                      "'\(type)' object has no method '\(name)'\(Suggestion.didYouMean(name, among: known)); Drover supports: \(known.joined(separator: ", "))",
                      at: call.location)
    }

    func dictMethod(_ name: String, _ d: OrderedDictionary<String, Value>, _ call: FilterCall) throws(TemplateError) -> (Value, Value?) {
        switch name {
        case "items":
            _ = try call.bind([])
            return (.list(d.map { .list([.string($0.key), $0.value]) }), nil)
        case "keys":
            _ = try call.bind([])
            return (.list(d.keys.map { .string($0) }), nil)
        case "values":
            _ = try call.bind([])
            return (.list(Array(d.values)), nil)
        case "get":
            let p = try call.bind(["key", "default"])
            let fallback = try p.value("default") ?? .null
            return (d[try p.required("key").pythonString] ?? fallback, nil)
        case "copy":
            _ = try call.bind([])
            return (.dict(d), nil)
        case "update":
            var out = d
            for a in try call.positionalValues() {
                guard case .dict(let other) = a else { throw call.fail(.typeError, "update() needs a dict") }
                for (k, v) in other { out[k] = v }
            }
            for k in call.kwargs.keys.sorted() { out[k] = try force(call.kwargs[k]!) }
            return (.null, .dict(out))
        case "pop":
            let p = try call.bind(["key", "default"])
            var out = d
            let key = try p.required("key").pythonString
            let fallback = try p.value("default")
            guard let v = out.removeValue(forKey: key) ?? fallback else {
                throw TemplateError(.undefinedVariable, "key \(Value.string(key).pythonRepr) is not in the dict", at: call.location)
            }
            return (v, .dict(out))
        case "setdefault":
            let p = try call.bind(["key", "default"])
            var out = d
            let key = try p.required("key").pythonString
            if let v = out[key] { return (v, nil) }
            let v = try p.value("default") ?? .null
            out[key] = v
            return (v, .dict(out))
        case "cycle" where d["index0"] != nil && d["revindex0"] != nil:
            let args = try call.positionalValues()
            guard !args.isEmpty, let i = d["index0"]?.integer else { throw call.fail(.typeError, "loop.cycle() needs at least one value") }
            return (args[i % args.count], nil)
        default:
            throw noMethod(name, "dict", call, ["items", "keys", "values", "get", "copy", "update", "pop", "setdefault"])
        }
    }

    func listMethod(_ name: String, _ l: [Value], _ call: FilterCall) throws(TemplateError) -> (Value, Value?) {
        switch name {
        case "append":
            let p = try call.bind(["object"])
            return (.null, .list(l + [try p.required("object")]))
        case "extend":
            let p = try call.bind(["iterable"])
            guard case .list(let more) = try p.required("iterable") else { throw call.fail(.typeError, "extend() needs a list") }
            return (.null, .list(l + more))
        case "insert":
            let p = try call.bind(["index", "object"])
            var out = l
            var i = try p.int("index") ?? 0
            if i < 0 { i += out.count }
            out.insert(try p.required("object"), at: max(0, min(i, out.count)))
            return (.null, .list(out))
        case "pop":
            let p = try call.bind(["index"])
            var out = l
            var i = try p.int("index") ?? -1
            if i < 0 { i += out.count }
            guard i >= 0 && i < out.count else { throw call.fail(.valueError, "pop index out of range") }
            return (out.remove(at: i), .list(out))
        case "remove":
            let p = try call.bind(["value"])
            let v = try p.required("value")
            guard let i = l.firstIndex(where: { Self.pythonEquals($0, v) }) else { throw call.fail(.valueError, "list.remove(x): x not in list") }
            var out = l
            out.remove(at: i)
            return (.null, .list(out))
        case "index":
            let p = try call.bind(["value"])
            let v = try p.required("value")
            guard let i = l.firstIndex(where: { Self.pythonEquals($0, v) }) else { throw call.fail(.valueError, "\(v.pythonRepr) is not in list") }
            return (.int(i), nil)
        case "count":
            let p = try call.bind(["value"])
            let v = try p.required("value")
            return (.int(l.filter { Self.pythonEquals($0, v) }.count), nil)
        case "copy":
            _ = try call.bind([])
            return (.list(l), nil)
        default:
            throw noMethod(name, "list", call, ["append", "extend", "insert", "pop", "remove", "index", "count", "copy"])
        }
    }

    func stringMethod(_ name: String, _ s: String, _ call: FilterCall) throws(TemplateError) -> Value {
        func strip(leading: Bool, trailing: Bool) throws(TemplateError) -> Value {
            let p = try call.bind(["chars"])
            let chars = try p.value("chars")
            return .string(PythonText.strip(s, chars: chars == .null ? nil : chars?.pythonString, leading: leading, trailing: trailing))
        }
        func affix(_ test: (String) -> Bool) throws(TemplateError) -> Value {
            let p = try call.bind(["prefix"])
            let v = try p.required("prefix")
            switch v {
            case .string(let x): return .bool(test(x))
            case .list(let options): return .bool(options.contains { test($0.pythonString) })
            default: throw call.fail(.typeError, "\(name) arg must be str or a tuple of str, not \(v.pythonTypeName)")
            }
        }
        switch name {
        case "split", "rsplit":
            let p = try call.bind(["sep", "maxsplit"])
            let sep = try p.value("sep")
            let max = try p.int("maxsplit", default: -1)
            let sepText = sep == .null ? nil : sep?.pythonString
            if name == "rsplit" && max >= 0 {
                let reversed = try PythonText.split(String(s.reversed()), separator: sepText.map { String($0.reversed()) }, maxSplit: max) { m in call.fail(.valueError, m) }
                return .list(reversed.reversed().map { .string(String($0.reversed())) })
            }
            return .list(try PythonText.split(s, separator: sepText, maxSplit: max) { m in call.fail(.valueError, m) }.map { .string($0) })
        case "splitlines":
            _ = try call.bind(["keepends"])
            return .list(PythonText.splitLines(s).map { .string($0) })
        case "strip": return try strip(leading: true, trailing: true)
        case "lstrip": return try strip(leading: true, trailing: false)
        case "rstrip": return try strip(leading: false, trailing: true)
        case "lower": _ = try call.bind([]); return .string(s.lowercased())
        case "upper": _ = try call.bind([]); return .string(s.uppercased())
        case "title": _ = try call.bind([]); return .string(Self.titleCase(s))
        case "capitalize":
            _ = try call.bind([])
            return .string(s.first.map { String($0).uppercased() + s.dropFirst().lowercased() } ?? "")
        case "startswith": return try affix { s.hasPrefix($0) }
        case "endswith": return try affix { s.hasSuffix($0) }
        case "replace":
            let p = try call.bind(["old", "new", "count"])
            return .string(PythonText.replace(s, try p.required("old").pythonString, try p.required("new").pythonString,
                                              count: try p.int("count", default: -1)))
        case "format":
            var kwargs: [String: Value] = [:]
            for (k, v) in call.kwargs { kwargs[k] = try force(v) }
            return .string(try PythonFormat.format(s, args: try call.positionalValues(), kwargs: kwargs) { m in call.fail(.valueError, m) })
        case "join":
            let p = try call.bind(["iterable"])
            let v = try p.required("iterable")
            let items: [Value]
            switch v {
            case .list(let l): items = l
            case .dict(let d): items = d.keys.map { .string($0) }
            case .string(let x): items = x.map { .string(String($0)) }
            default: throw call.fail(.typeError, "can only join an iterable")
            }
            var parts: [String] = []
            for item in items {
                guard case .string(let t) = item else {
                    throw call.fail(.typeError, "sequence item \(parts.count): expected str instance, \(item.pythonTypeName) found (use the join filter instead)")
                }
                parts.append(t)
            }
            return .string(parts.joined(separator: s))
        case "find", "rfind", "index", "rindex":
            let p = try call.bind(["sub"])
            let sub = try p.required("sub").pythonString
            let range = name.hasPrefix("r") ? s.range(of: sub, options: .backwards) : s.range(of: sub)
            guard let range else {
                if name.hasSuffix("index") { throw call.fail(.valueError, "substring not found") }
                return .int(-1)
            }
            return .int(s.distance(from: s.startIndex, to: range.lowerBound))
        case "count":
            let p = try call.bind(["sub"])
            let sub = try p.required("sub").pythonString
            if sub.isEmpty { return .int(s.count + 1) }
            return .int(s.components(separatedBy: sub).count - 1)
        case "isdigit": _ = try call.bind([]); return .bool(!s.isEmpty && s.allSatisfy { $0.isNumber })
        case "isalpha": _ = try call.bind([]); return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter })
        case "isalnum": _ = try call.bind([]); return .bool(!s.isEmpty && s.allSatisfy { $0.isLetter || $0.isNumber })
        case "isspace": _ = try call.bind([]); return .bool(!s.isEmpty && s.allSatisfy { $0.isWhitespace })
        case "islower": _ = try call.bind([]); return .bool(s.contains { $0.isCased } && !s.contains { $0.isUppercase })
        case "isupper": _ = try call.bind([]); return .bool(s.contains { $0.isCased } && !s.contains { $0.isLowercase })
        case "center", "ljust", "rjust":
            let p = try call.bind(["width", "fillchar"])
            let width = try p.int("width") ?? 0
            let fill = try p.string("fillchar", default: " ").first ?? " "
            let pad = max(0, width - s.count)
            switch name {
            case "ljust": return .string(s + String(repeating: fill, count: pad))
            case "rjust": return .string(String(repeating: fill, count: pad) + s)
            default: return .string(PythonText.center(s, width: width, fill: fill))
            }
        case "zfill":
            let p = try call.bind(["width"])
            let pad = max(0, (try p.int("width") ?? 0) - s.count)
            if let f = s.first, f == "-" || f == "+" { return .string(String(f) + String(repeating: "0", count: pad) + s.dropFirst()) }
            return .string(String(repeating: "0", count: pad) + s)
        default:
            throw noMethod(name, "str", call, ["split", "rsplit", "splitlines", "strip", "lstrip", "rstrip", "lower", "upper", "title",
                                               "capitalize", "startswith", "endswith", "replace", "format", "join", "find", "rfind",
                                               "index", "rindex", "count", "isdigit", "isalpha", "isalnum", "isspace", "islower",
                                               "isupper", "center", "ljust", "rjust", "zfill"])
        }
    }
}
