import Foundation

/// Jinja2's tests and Ansible's additions (`x is t`, `x is not t(arg)`).
extension Evaluator {
    static func typeTest(_ body: @escaping @Sendable (Value) -> Bool) -> TestFunction {
        { _, call throws(TemplateError) in
            _ = try call.bind([])
            return body(try call.value())
        }
    }

    static func compareTest(_ op: Expression.CompareOperator) -> TestFunction {
        { ev, call throws(TemplateError) in
            let p = try call.bind(["other"])
            let other = try p.required("other")
            let e = Expression(.literal(.null), line: 0, column: 0)
            do throws(TemplateError) {
                return try ev.compare(op, try call.value(), other, at: e)
            } catch {
                throw call.fail(error.code, error.message)
            }
        }
    }

    static func resultTest(_ key: String, negate: Bool = false) -> TestFunction {
        { _, call throws(TemplateError) in
            _ = try call.bind([])
            guard case .dict(let d) = try call.value() else {
                throw call.fail(.typeError, "the '\(call.name)' test expects a dictionary (a registered result)")
            }
            var flag = d[key]?.isTruthy ?? false
            if key == "changed", d[key] == nil, case .list(let results)? = d["results"] {
                flag = results.contains { if case .dict(let r) = $0 { return r["changed"]?.isTruthy ?? false } else { return false } }
            }
            return flag != negate
        }
    }

    static func pathTest(_ kind: FileLookup.Kind) -> TestFunction {
        { ev, call throws(TemplateError) in
            _ = try call.bind([])
            var path = try call.value().pythonString
            if path.hasPrefix("~") {
                try ev.requireControllerAccess(call, "'~' is the controller's HOME")
                if let home = ev.context.environmentVariable("HOME") { path = home + path.dropFirst() }
            }
            return FileLookup.exists(path, as: kind)
        }
    }

    static func hashSet(_ v: Value, _ call: FilterCall) throws(TemplateError) -> Set<Value> {
        switch v {
        case .list(let l): return Set(l.map(hashKey))
        case .dict(let d): return Set(d.keys.map { .string($0) })
        case .string(let s): return Set(s.map { .string(String($0)) })
        default: throw call.fail(.typeError, "'\(v.pythonTypeName)' object is not iterable")
        }
    }

    static let versionOperators: [String: @Sendable (Int) -> Bool] = [
        "==": { $0 == 0 }, "=": { $0 == 0 }, "eq": { $0 == 0 },
        "<": { $0 < 0 }, "lt": { $0 < 0 }, "<=": { $0 <= 0 }, "le": { $0 <= 0 },
        ">": { $0 > 0 }, "gt": { $0 > 0 }, ">=": { $0 >= 0 }, "ge": { $0 >= 0 },
        "!=": { $0 != 0 }, "<>": { $0 != 0 }, "ne": { $0 != 0 },
    ]

    static let versionTest: TestFunction = { _, call throws(TemplateError) in
        let p = try call.bind(["version", "operator", "strict", "version_type"])
        let value = try call.value().pythonString
        let other = try p.required("version").pythonString
        if value.isEmpty { throw call.fail(.valueError, "input version value cannot be empty") }
        if other.isEmpty { throw call.fail(.valueError, "version parameter to compare against cannot be empty") }
        let op = try p.string("operator", default: "eq")
        guard let check = versionOperators[op] else {
            throw call.fail(.valueError, "invalid operator '\(op)': use one of ==, !=, <, <=, >, >= (or eq, ne, lt, le, gt, ge)")
        }
        var type = try p.string("version_type") ?? "loose"
        if try p.bool("strict", default: false) { type = "strict" }
        do throws(LooseVersion.Incomparable) {
            switch type {
            case "loose": return check(try LooseVersion.compareLoose(value, other))
            case "strict": return check(try LooseVersion.compareStrict(value, other))
            default: throw LooseVersion.Incomparable(message: "version_type '\(type)' is not supported: use loose or strict")
            }
        } catch {
            throw call.fail(.valueError, "version comparison failed: \(error.message)")
        }
    }

    static let tests: [String: TestFunction] = [
        "defined": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return call.input.isDefined
        },
        "undefined": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return !call.input.isDefined
        },
        "none": typeTest { $0 == .null },
        "string": typeTest { $0.stringValue != nil },
        "number": typeTest { $0.isNumber },
        "integer": typeTest { if case .int = $0 { return true } else { return false } },
        "float": typeTest { if case .double = $0 { return true } else { return false } },
        "boolean": typeTest { if case .bool = $0 { return true } else { return false } },
        "true": typeTest { $0 == .bool(true) },
        "false": typeTest { $0 == .bool(false) },
        "mapping": typeTest { if case .dict = $0 { return true } else { return false } },
        "sequence": typeTest { v in
            switch v {
            case .list, .dict, .string: return true
            default: return false
            }
        },
        "iterable": typeTest { v in
            switch v {
            case .list, .dict, .string: return true
            default: return false
            }
        },
        "callable": typeTest { _ in false },
        "sameas": { _, call throws(TemplateError) in
            let p = try call.bind(["other"])
            let (a, b) = (try call.value(), try p.required("other"))
            switch (a, b) {
            case (.null, .null): return true
            case (.bool(let x), .bool(let y)): return x == y
            case (.int(let x), .int(let y)): return x == y && x >= -5 && x <= 256
            default: return false
            }
        },
        "eq": compareTest(.equal), "equalto": compareTest(.equal), "==": compareTest(.equal),
        "ne": compareTest(.notEqual), "!=": compareTest(.notEqual),
        "lt": compareTest(.less), "lessthan": compareTest(.less), "<": compareTest(.less),
        "le": compareTest(.lessEqual), "<=": compareTest(.lessEqual),
        "gt": compareTest(.greater), "greaterthan": compareTest(.greater), ">": compareTest(.greater),
        "ge": compareTest(.greaterEqual), ">=": compareTest(.greaterEqual),
        "in": { ev, call throws(TemplateError) in
            let p = try call.bind(["seq"])
            return try ev.contains(try p.required("seq"), try call.value(), at: Expression(.literal(.null), line: 0, column: 0))
        },
        "contains": { ev, call throws(TemplateError) in
            let p = try call.bind(["seq"])
            return try ev.contains(try call.value(), try p.required("seq"), at: Expression(.literal(.null), line: 0, column: 0))
        },
        "match": regexTest("match"),
        "search": regexTest("search"),
        "regex": regexTest("regex"),
        "version": versionTest,
        "version_compare": versionTest,
        "success": resultTest("failed", negate: true), "succeeded": resultTest("failed", negate: true),
        "failed": resultTest("failed"), "failure": resultTest("failed"),
        "changed": resultTest("changed"), "change": resultTest("changed"),
        "skipped": resultTest("skipped"), "skip": resultTest("skipped"),
        "file": pathTest(.file), "is_file": pathTest(.file),
        "directory": pathTest(.directory), "is_dir": pathTest(.directory),
        "link": pathTest(.link), "is_link": pathTest(.link),
        "exists": pathTest(.any),
        "abs": typeTest { $0.pythonString.hasPrefix("/") },
        "divisibleby": { ev, call throws(TemplateError) in
            let p = try call.bind(["num"])
            let e = Expression(.literal(.null), line: 0, column: 0)
            do throws(TemplateError) {
                return Evaluator.pythonEquals(try ev.arithmetic(.modulo, try call.value(), try p.required("num"), at: e), .int(0))
            } catch {
                throw call.fail(error.code, error.message)
            }
        },
        "even": { ev, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            guard let i = v.integer else { throw call.fail(.typeError, "'\(v.pythonTypeName)' is not an integer") }
            return i % 2 == 0
        },
        "odd": { ev, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            guard let i = v.integer else { throw call.fail(.typeError, "'\(v.pythonTypeName)' is not an integer") }
            return i % 2 != 0
        },
        "lower": typeTest { v in
            let s = v.pythonString
            return s.contains { $0.isCased } && !s.contains { $0.isUppercase }
        },
        "upper": typeTest { v in
            let s = v.pythonString
            return s.contains { $0.isCased } && !s.contains { $0.isLowercase }
        },
        "subset": { _, call throws(TemplateError) in
            let p = try call.bind(["b"])
            return try hashSet(try call.value(), call).isSubset(of: try hashSet(try p.required("b"), call))
        },
        "superset": { _, call throws(TemplateError) in
            let p = try call.bind(["b"])
            return try hashSet(try call.value(), call).isSuperset(of: try hashSet(try p.required("b"), call))
        },
        "any": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return try sequence(call).contains { $0.pythonTruthy }
        },
        "all": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return try sequence(call).allSatisfy { $0.pythonTruthy }
        },
        "truthy": { _, call throws(TemplateError) in
            let p = try call.bind(["convert_bool"])
            let v = try call.value()
            if try p.bool("convert_bool", default: false), case .string = v { return v.isTruthy }
            return v.pythonTruthy
        },
        "falsy": { _, call throws(TemplateError) in
            let p = try call.bind(["convert_bool"])
            let v = try call.value()
            if try p.bool("convert_bool", default: false), case .string = v { return !v.isTruthy }
            return !v.pythonTruthy
        },
        "filter": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return filters[try call.value().pythonString] != nil
        },
        "test": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return tests[try call.value().pythonString] != nil
        },
    ]
}
