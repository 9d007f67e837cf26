import Foundation
import OrderedCollections

/// The filter registry and the core filters: defaults, conversions, numbers.
extension Evaluator {
    static let filters: [String: FilterFunction] = {
        var all = coreFilters
        for family in [stringFilters, regexFilters, listFilters, dictFilters, dataFilters] {
            all.merge(family) { first, _ in first }
        }
        return all
    }()

    static let coreFilters: [String: FilterFunction] = [
        "default": defaultFilter,
        "d": defaultFilter,
        "mandatory": { _, call throws(TemplateError) in
            let p = try call.bind(["msg"])
            if case .undefined(let u) = call.input {
                if let msg = try p.string("msg") { throw TemplateError(.filterError, msg, at: call.location) }
                let name = u.message.split(separator: "'").dropFirst().first.map(String.init) ?? "variable"
                throw TemplateError(.filterError, "Mandatory variable '\(name)' not defined: set it before running", at: call.location)
            }
            return try call.value()
        },
        "bool": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            switch v {
            case .null, .bool: return v
            case .string(let s): return .bool(["yes", "on", "1", "true"].contains(s.lowercased()))
            default: return .bool(v.numeric == 1)
            }
        },
        "int": { _, call throws(TemplateError) in
            let p = try call.bind(["default", "base"])
            let fallback = try p.value("default") ?? .int(0)
            return toInt(try call.value(), base: try p.int("base", default: 10)) ?? fallback
        },
        "float": { _, call throws(TemplateError) in
            let p = try call.bind(["default"])
            let fallback = try p.value("default") ?? .double(0)
            switch try call.value() {
            case .bool(let b): return .double(b ? 1 : 0)
            case .int(let i): return .double(Double(i))
            case .double(let d): return .double(d)
            case .string(let s): return parsePythonFloat(s).map { .double($0) } ?? fallback
            default: return fallback
            }
        },
        "string": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return .string(try call.value().pythonString)
        },
        "length": lengthFilter,
        "count": lengthFilter,
        "abs": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            switch v {
            case .int(let i):
                guard i != Int.min else { throw call.fail(.limitExceeded, "integer overflow") }
                return .int(Swift.abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return .double(Swift.abs(d))
            default: throw call.fail(.typeError, "bad operand type for abs(): '\(v.pythonTypeName)'")
            }
        },
        "round": { _, call throws(TemplateError) in
            let p = try call.bind(["precision", "method"])
            let precision = try p.int("precision", default: 0)
            let method = try p.string("method", default: "common")
            let v = try call.value()
            guard let x = v.numeric else { throw call.fail(.typeError, "type \(v.pythonTypeName) doesn't define __round__ method") }
            let scale = pow10(precision)
            switch method {
            case "common":
                if v.integer != nil && precision >= 0 { return .int(v.integer!) }
                let r = (x * scale).rounded(.toNearestOrEven) / scale
                return v.integer != nil ? .int(Int(r)) : .double(r)
            case "ceil": return .double((x * scale).rounded(.up) / scale)
            case "floor": return .double((x * scale).rounded(.down) / scale)
            default: throw call.fail(.valueError, "method must be common, ceil or floor")
            }
        },
        "ternary": { _, call throws(TemplateError) in
            let p = try call.bind(["true_val", "false_val", "none_val"])
            let v = try call.value()
            if v == .null, p.has("none_val") { return try p.value("none_val") ?? .null }
            return v.pythonTruthy ? try p.value("true_val") ?? .bool(true) : try p.value("false_val") ?? .bool(false)
        },
        "type_debug": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            if case .string = v { return .string("AnsibleUnicode") }
            return .string(v.pythonTypeName)
        },
        "attr": { ev, call throws(TemplateError) in
            let p = try call.bind(["name"])
            let name = try p.required("name").pythonString
            guard case .dict(let d) = try call.value(), let v = d[name] else {
                throw TemplateError(.undefinedVariable, "\(try call.value().pythonTypeName) object has no attribute '\(name)'", at: call.location)
            }
            return v
        },
        "random": { ev, call throws(TemplateError) in
            let p = try call.bind(["start", "step", "seed"])
            if ev.context.checkMode {
                throw call.fail(.unsupported, "random values are not allowed in check mode, because the check would not predict the real run; compute it outside --check or pass a fixed value")
            }
            var rng = SystemRandomNumberGenerator()
            switch try call.value() {
            case .list(let l):
                guard let pick = l.randomElement(using: &rng) else { throw call.fail(.valueError, "cannot choose from an empty sequence") }
                return pick
            case .string(let s):
                guard let pick = s.randomElement(using: &rng) else { throw call.fail(.valueError, "cannot choose from an empty sequence") }
                return .string(String(pick))
            case let v where v.integer != nil:
                let start = try p.int("start", default: 0)
                let step = max(1, try p.int("step", default: 1))
                let end = v.integer!
                guard end > start else { throw call.fail(.valueError, "empty range for random (start \(start), end \(end))") }
                let steps = (end - start + step - 1) / step
                return .int(start + step * Int.random(in: 0..<steps, using: &rng))
            default:
                throw call.fail(.typeError, "random needs a list or an integer")
            }
        },
        "shuffle": { ev, call throws(TemplateError) in
            _ = try call.bind(["seed"])
            if ev.context.checkMode {
                throw call.fail(.unsupported, "shuffle is not allowed in check mode, because the check would not predict the real run")
            }
            guard case .list(let l) = try call.value() else { throw call.fail(.typeError, "shuffle needs a list") }
            var rng = SystemRandomNumberGenerator()
            return .list(l.shuffled(using: &rng))
        },
        "password_hash": { _, call throws(TemplateError) in
            throw call.fail(.unsupported, "Drover does not compute password hashes in templates (crypt(3) is not available in DroverCore); "
                + "precompute the hash (e.g. `mkpasswd -m sha-512`) and store it in a vaulted variable")
        },
        "format": { ev, call throws(TemplateError) in
            guard case .string(let f) = try call.value() else { throw call.fail(.typeError, "format needs a string input") }
            if !call.kwargs.isEmpty {
                var d = OrderedDictionary<String, Value>()
                for (k, v) in call.kwargs { d[k] = try ev.force(v) }
                return .string(try PythonFormat.percent(f, .dict(d)) { c, m in call.fail(c, m) })
            }
            return .string(try PythonFormat.percent(f, .list(try call.positionalValues())) { c, m in call.fail(c, m) })
        },
    ]

    static let defaultFilter: FilterFunction = { _, call throws(TemplateError) in
        let p = try call.bind(["default_value", "boolean"])
        let fallback = try p.value("default_value") ?? .string("")
        switch call.input {
        case .undefined: return fallback
        case .value(let v):
            if try p.bool("boolean", default: false), !v.pythonTruthy { return fallback }
            return v
        }
    }

    static let lengthFilter: FilterFunction = { _, call throws(TemplateError) in
        _ = try call.bind([])
        let v = try call.value()
        switch v {
        case .string(let s): return .int(s.count)
        case .list(let l): return .int(l.count)
        case .dict(let d): return .int(d.count)
        default: throw call.fail(.typeError, "object of type '\(v.pythonTypeName)' has no len()")
        }
    }

    static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<Swift.min(Swift.abs(n), 400) { r *= 10 }
        return n < 0 ? 1 / r : r
    }

    /// Python's `float(str)`: surrounding spaces, underscores between digits, inf and nan.
    static func parsePythonFloat(_ s: String) -> Double? {
        let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = t.lowercased()
        let body = lower.hasPrefix("-") || lower.hasPrefix("+") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity"].contains(body) { return lower.hasPrefix("-") ? -.infinity : .infinity }
        if body == "nan" { return .nan }
        guard !body.isEmpty, body.first != "_", body.last != "_", !body.contains("__"),
              body.allSatisfy({ $0.isASCII && ($0.isNumber || ".e+-_".contains($0)) }) else { return nil }
        return Double(t.replacingOccurrences(of: "_", with: ""))
    }

    /// Jinja2's `int` filter: integers from numbers and numeric strings.
    static func toInt(_ v: Value, base: Int) -> Value? {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .int(let i): return .int(i)
        case .double(let d):
            guard d.isFinite, Swift.abs(d) < 9.2e18 else { return nil }
            return .int(Int(d))
        case .string(let s):
            var t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            var negative = false
            if t.hasPrefix("-") || t.hasPrefix("+") {
                negative = t.hasPrefix("-")
                t.removeFirst()
            }
            let prefixes = [16: "0x", 8: "0o", 2: "0b"]
            if let prefix = prefixes[base], t.lowercased().hasPrefix(prefix) { t.removeFirst(2) }
            if !t.isEmpty, t.first != "_", t.last != "_", !t.contains("__"),
               let i = Int(t.replacingOccurrences(of: "_", with: ""), radix: base), t.first != "+" && t.first != "-" {
                return .int(negative ? -i : i)
            }
            if base == 10, let d = parsePythonFloat(s) { return toInt(.double(d), base: 10) }
            return nil
        default:
            return nil
        }
    }
}
