import OrderedCollections

/// Dict filters (dict2items, items2dict, combine, dictsort, items, extract)
/// and the higher-order ones (map, select, reject, selectattr, rejectattr, groupby).
extension Evaluator {
    static func dictionary(_ call: FilterCall) throws(TemplateError) -> OrderedDictionary<String, Value> {
        let v = try call.value()
        guard case .dict(let d) = v else {
            throw call.fail(.typeError, "\(call.name) requires a dictionary, got \(v.pythonTypeName) instead")
        }
        return d
    }

    static func merge(_ a: OrderedDictionary<String, Value>, _ b: OrderedDictionary<String, Value>,
                      recursive: Bool, listMerge: String) -> OrderedDictionary<String, Value> {
        var out = a
        for (k, new) in b {
            switch (out[k], new) {
            case (.dict(let old)?, .dict(let n)) where recursive:
                out[k] = .dict(merge(old, n, recursive: true, listMerge: listMerge))
            case (.list(let old)?, .list(let n)):
                switch listMerge {
                case "keep": break
                case "append": out[k] = .list(old + n)
                case "prepend": out[k] = .list(n + old)
                case "append_rp": out[k] = .list(old.filter { !n.contains($0) } + n)
                case "prepend_rp": out[k] = .list(n + old.filter { !n.contains($0) })
                default: out[k] = new
                }
            default:
                out[k] = new
            }
        }
        return out
    }

    static let dictFilters: [String: FilterFunction] = [
        "dict2items": { _, call throws(TemplateError) in
            let p = try call.bind(["key_name", "value_name"])
            let keyName = try p.string("key_name", default: "key"), valueName = try p.string("value_name", default: "value")
            return .list(try dictionary(call).map { k, v in .dict([keyName: .string(k), valueName: v]) })
        },
        "items2dict": { _, call throws(TemplateError) in
            let p = try call.bind(["key_name", "value_name"])
            let keyName = try p.string("key_name", default: "key"), valueName = try p.string("value_name", default: "value")
            guard case .list(let items) = try call.value() else { throw call.fail(.typeError, "items2dict requires a list of dicts") }
            var out = OrderedDictionary<String, Value>()
            for item in items {
                guard case .dict(let d) = item, let k = d[keyName], let v = d[valueName] else {
                    throw call.fail(.typeError, "each item must be a dict with '\(keyName)' and '\(valueName)' keys, got \(item.pythonRepr)")
                }
                out[k.pythonString] = v
            }
            return .dict(out)
        },
        "combine": { _, call throws(TemplateError) in
            for key in call.kwargs.keys where !["recursive", "list_merge"].contains(key) {
                throw call.fail(.typeError, "unexpected argument '\(key)' (expected recursive or list_merge)")
            }
            let recursive = (try call.kwarg("recursive"))?.pythonTruthy ?? false
            let listMerge = (try call.kwarg("list_merge"))?.pythonString ?? "replace"
            guard ["replace", "keep", "append", "prepend", "append_rp", "prepend_rp"].contains(listMerge) else {
                throw call.fail(.valueError, "list_merge must be replace, keep, append, prepend, append_rp or prepend_rp")
            }
            var out = OrderedDictionary<String, Value>()
            for term in [try call.value()] + (try call.positionalValues()) {
                let dicts: [Value]
                if case .list(let l) = term { dicts = l } else { dicts = [term] }
                for d in dicts {
                    guard case .dict(let dict) = d else {
                        throw call.fail(.typeError, "combine expects dictionaries, got \(d.pythonTypeName)")
                    }
                    out = merge(out, dict, recursive: recursive, listMerge: listMerge)
                }
            }
            return .dict(out)
        },
        "items": { _, call throws(TemplateError) in
            _ = try call.bind([])
            if case .undefined = call.input { return .list([]) }
            return .list(try dictionary(call).map { .list([.string($0.key), $0.value]) })
        },
        "dictsort": { _, call throws(TemplateError) in
            let p = try call.bind(["case_sensitive", "by", "reverse"])
            let d = try dictionary(call)
            let byValue = try p.string("by", default: "key") == "value"
            let sensitive = try p.bool("case_sensitive", default: false)
            let pairs = d.map { Value.list([.string($0.key), $0.value]) }
            var keys: [Value] = []
            for (k, v) in d { keys.append(sensitive ? (byValue ? v : .string(k)) : lowercased(byValue ? v : .string(k))) }
            return .list(try stableSort(pairs, keys: keys, reverse: try p.bool("reverse", default: false), call: call))
        },
        "extract": { ev, call throws(TemplateError) in
            let p = try call.bind(["container", "morekeys"])
            var current = try p.required("container")
            var keys = [try call.value()]
            if let more = try p.value("morekeys") {
                if case .list(let l) = more { keys += l } else { keys.append(more) }
            }
            for key in keys {
                switch current {
                case .dict(let d):
                    guard let v = d[key.pythonString] else {
                        throw TemplateError(.undefinedVariable, "'dict object' has no attribute \(key.pythonRepr)", at: call.location)
                    }
                    current = v
                case .list(let l):
                    guard let i = key.integer, i >= -l.count, i < l.count else {
                        throw TemplateError(.undefinedVariable, "list object has no element \(key.pythonRepr)", at: call.location)
                    }
                    current = l[i < 0 ? l.count + i : i]
                default:
                    throw call.fail(.typeError, "cannot extract \(key.pythonRepr) from \(current.pythonTypeName)")
                }
            }
            return current
        },
        "map": { ev, call throws(TemplateError) in
            let items = try sequence(call)
            if let attribute = try call.kwarg("attribute") {
                let fallback = try call.kwarg("default")
                var out: [Value] = []
                for item in items {
                    guard let v = attributePath(item, attribute.pythonString) ?? fallback else {
                        throw TemplateError(.undefinedVariable, "'\(item.pythonTypeName) object' has no attribute '\(attribute.pythonString)'",
                                            at: call.location)
                    }
                    out.append(v)
                }
                return .list(out)
            }
            guard let first = call.args.first, case .string(let name) = try ev.force(first) else {
                throw call.fail(.typeError, "map needs a filter name or attribute='name'")
            }
            guard let filter = filters[name] else { throw unknownFilter(name, at: call.location) }
            var out: [Value] = []
            for item in items {
                out.append(try filter(ev, FilterCall(name: name, input: .value(item), args: Array(call.args.dropFirst()),
                                                     kwargs: call.kwargs, location: call.location)))
            }
            return .list(out)
        },
        "select": selectFilter(attribute: false, keep: true),
        "reject": selectFilter(attribute: false, keep: false),
        "selectattr": selectFilter(attribute: true, keep: true),
        "rejectattr": selectFilter(attribute: true, keep: false),
        "groupby": { _, call throws(TemplateError) in
            let p = try call.bind(["attribute", "default", "case_sensitive"])
            let attribute = try p.required("attribute").pythonString
            let fallback = try p.value("default")
            var groups = OrderedDictionary<Value, [Value]>()
            for item in try sequence(call) {
                guard let key = attributePath(item, attribute) ?? fallback else {
                    throw TemplateError(.undefinedVariable, "'\(item.pythonTypeName) object' has no attribute '\(attribute)'", at: call.location)
                }
                groups[key, default: []].append(item)
            }
            let pairs = groups.map { Value.list([$0.key, .list($0.value)]) }
            return .list(try stableSort(pairs, keys: Array(groups.keys), reverse: false, call: call))
        },
    ]

    static func selectFilter(attribute: Bool, keep: Bool) -> FilterFunction {
        { ev, call throws(TemplateError) in
            let items = try sequence(call)
            var args = call.args
            var attributeName: String?
            if attribute {
                guard !args.isEmpty else { throw call.fail(.typeError, "missing the attribute name") }
                attributeName = try ev.force(args.removeFirst()).pythonString
            }
            var test: TestFunction?
            var testName = ""
            if !args.isEmpty {
                testName = try ev.force(args.removeFirst()).pythonString
                guard let t = tests[testName] else { throw unknownTest(testName, at: call.location) }
                test = t
            }
            var out: [Value] = []
            for item in items {
                var subject = RValue.value(item)
                if let attributeName {
                    subject = attributePath(item, attributeName).map { .value($0) }
                        ?? .undefined(Undefined(message: "'\(item.pythonTypeName) object' has no attribute '\(attributeName)'",
                                                location: call.location))
                }
                let passed: Bool
                if let test {
                    passed = try test(ev, FilterCall(name: testName, input: subject, args: args, kwargs: call.kwargs, location: call.location))
                } else {
                    passed = try ev.truthy(subject)
                }
                if passed == keep { out.append(item) }
            }
            return .list(out)
        }
    }
}
