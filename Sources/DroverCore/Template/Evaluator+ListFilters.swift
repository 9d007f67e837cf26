import Foundation

/// Sequence filters: first/last, min/max/sum, sort, unique, set operations,
/// reverse, flatten, zip, batch.
extension Evaluator {
    static func sequence(_ call: FilterCall) throws(TemplateError) -> [Value] {
        let v = try call.value()
        switch v {
        case .list(let l): return l
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        default: throw call.fail(.typeError, "'\(v.pythonTypeName)' object is not iterable: give it a list")
        }
    }

    /// Jinja2's attribute getter: "a.b.0" walks dict keys and list indexes.
    static func attributePath(_ v: Value, _ path: String) -> Value? {
        var current = v
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            switch current {
            case .dict(let d):
                guard let next = d[String(part)] else { return nil }
                current = next
            case .list(let l):
                guard let i = Int(part), i >= -l.count, i < l.count else { return nil }
                current = l[i < 0 ? l.count + i : i]
            default:
                return nil
            }
        }
        return current
    }

    /// The comparison key of an item for sort/min/max/unique.
    static func sortKey(_ v: Value, attribute: String?, caseSensitive: Bool, call: FilterCall) throws(TemplateError) -> Value {
        var key = v
        if let attribute {
            var parts: [Value] = []
            for a in attribute.split(separator: ",") {
                let name = a.trimmingCharacters(in: .whitespaces)
                guard let found = attributePath(v, name) else {
                    throw TemplateError(.undefinedVariable, "'\(v.pythonTypeName) object' has no attribute '\(name)'", at: call.location)
                }
                parts.append(found)
            }
            key = parts.count == 1 ? parts[0] : .list(parts)
        }
        if !caseSensitive { key = lowercased(key) }
        return key
    }

    static func lowercased(_ v: Value) -> Value {
        switch v {
        case .string(let s): return .string(s.lowercased())
        case .list(let l): return .list(l.map(lowercased))
        default: return v
        }
    }

    /// Stable sort by Python ordering; a TypeError when keys cannot be compared.
    static func stableSort(_ items: [Value], keys: [Value], reverse: Bool, call: FilterCall) throws(TemplateError) -> [Value] {
        for k in keys.dropFirst() where pythonOrder(keys[0], k) == nil {
            throw call.fail(.typeError, "'<' not supported between instances of '\(k.pythonTypeName)' and '\(keys[0].pythonTypeName)'")
        }
        let order = keys.indices.sorted { a, b in
            let r = pythonOrder(keys[a], keys[b]) ?? .orderedSame
            if r == .orderedSame { return a < b }
            return reverse ? r == .orderedDescending : r == .orderedAscending
        }
        return order.map { items[$0] }
    }

    static func extreme(_ call: FilterCall, wantMax: Bool) throws(TemplateError) -> Value {
        let p = try call.bind(["case_sensitive", "attribute"])
        let items = try sequence(call)
        guard !items.isEmpty else {
            throw call.fail(.undefinedVariable, "the sequence is empty, so it has no \(wantMax ? "max" : "min")imum")
        }
        let attribute = try p.string("attribute")
        let sensitive = try p.bool("case_sensitive", default: false)
        var keys: [Value] = []
        for item in items { keys.append(try sortKey(item, attribute: attribute, caseSensitive: sensitive, call: call)) }
        var best = 0
        for i in keys.indices.dropFirst() {
            guard let r = pythonOrder(keys[i], keys[best]) else {
                throw call.fail(.typeError, "'<' not supported between instances of '\(keys[i].pythonTypeName)' and '\(keys[best].pythonTypeName)'")
            }
            if wantMax ? r == .orderedDescending : r == .orderedAscending { best = i }
        }
        return items[best]
    }

    static func uniqueItems(_ items: [Value], caseSensitive: Bool, attribute: String?, call: FilterCall) throws(TemplateError) -> [Value] {
        var seen = Set<Value>()
        var out: [Value] = []
        for item in items {
            let key = try sortKey(item, attribute: attribute, caseSensitive: caseSensitive, call: call)
            if seen.insert(hashKey(key)).inserted { out.append(item) }
        }
        return out
    }

    /// A Hashable stand-in that agrees with Python equality (1 == 1.0 == True).
    static func hashKey(_ v: Value) -> Value {
        switch v {
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d) where d == d.rounded() && Swift.abs(d) < 9e18: return .int(Int(d))
        case .list(let l): return .list(l.map(hashKey))
        case .dict(let d): return .dict(d.mapValues(hashKey))
        default: return v
        }
    }

    static func twoLists(_ call: FilterCall) throws(TemplateError) -> ([Value], [Value]) {
        let p = try call.bind(["b"])
        guard case .list(let b) = try p.required("b") else { throw call.fail(.typeError, "the argument must be a list") }
        return (try sequence(call), b)
    }

    static func flatten(_ items: [Value], levels: Int?, skipNulls: Bool) -> [Value] {
        var out: [Value] = []
        for item in items {
            if skipNulls, item == .null || item == .string("None") || item == .string("null") { continue }
            if case .list(let inner) = item {
                if let levels {
                    if levels >= 1 { out += flatten(inner, levels: levels - 1, skipNulls: skipNulls) } else { out.append(item) }
                } else {
                    out += flatten(inner, levels: nil, skipNulls: skipNulls)
                }
            } else {
                out.append(item)
            }
        }
        return out
    }

    static let listFilters: [String: FilterFunction] = [
        "first": { _, call throws(TemplateError) in
            _ = try call.bind([])
            guard let f = try sequence(call).first else { throw call.fail(.undefinedVariable, "no first item, the sequence is empty") }
            return f
        },
        "last": { _, call throws(TemplateError) in
            _ = try call.bind([])
            guard let l = try sequence(call).last else { throw call.fail(.undefinedVariable, "no last item, the sequence is empty") }
            return l
        },
        "min": { _, call throws(TemplateError) in try extreme(call, wantMax: false) },
        "max": { _, call throws(TemplateError) in try extreme(call, wantMax: true) },
        "sum": { _, call throws(TemplateError) in
            let p = try call.bind(["attribute", "start"])
            var total = try p.value("start") ?? .int(0)
            let attribute = try p.string("attribute")
            for item in try sequence(call) {
                var v = item
                if let attribute {
                    guard let found = attributePath(item, attribute) else {
                        throw TemplateError(.undefinedVariable, "'\(item.pythonTypeName) object' has no attribute '\(attribute)'", at: call.location)
                    }
                    v = found
                }
                switch (total, v) {
                case (.list(let a), .list(let b)): total = .list(a + b)
                default:
                    if let a = total.integer, let b = v.integer {
                        let r = a.addingReportingOverflow(b)
                        if r.overflow { throw call.fail(.limitExceeded, "integer overflow") }
                        total = .int(r.partialValue)
                    } else if let a = total.numeric, let b = v.numeric {
                        total = .double(a + b)
                    } else {
                        throw call.fail(.typeError, "unsupported operand type(s) for +: '\(total.pythonTypeName)' and '\(v.pythonTypeName)'")
                    }
                }
            }
            return total
        },
        "sort": { _, call throws(TemplateError) in
            let p = try call.bind(["reverse", "case_sensitive", "attribute"])
            let items = try sequence(call)
            let attribute = try p.string("attribute")
            let sensitive = try p.bool("case_sensitive", default: false)
            var keys: [Value] = []
            for item in items { keys.append(try sortKey(item, attribute: attribute, caseSensitive: sensitive, call: call)) }
            return .list(try stableSort(items, keys: keys, reverse: try p.bool("reverse", default: false), call: call))
        },
        "unique": { _, call throws(TemplateError) in
            let p = try call.bind(["case_sensitive", "attribute"])
            return .list(try uniqueItems(try sequence(call), caseSensitive: try p.bool("case_sensitive", default: false),
                                         attribute: try p.string("attribute"), call: call))
        },
        "union": { _, call throws(TemplateError) in
            let (a, b) = try twoLists(call)
            return .list(try uniqueItems(a + b, caseSensitive: true, attribute: nil, call: call))
        },
        "intersect": { _, call throws(TemplateError) in
            let (a, b) = try twoLists(call)
            let other = Set(b.map(hashKey))
            return .list(try uniqueItems(a.filter { other.contains(hashKey($0)) }, caseSensitive: true, attribute: nil, call: call))
        },
        "difference": { _, call throws(TemplateError) in
            let (a, b) = try twoLists(call)
            let other = Set(b.map(hashKey))
            return .list(try uniqueItems(a.filter { !other.contains(hashKey($0)) }, caseSensitive: true, attribute: nil, call: call))
        },
        "symmetric_difference": { _, call throws(TemplateError) in
            let (a, b) = try twoLists(call)
            let inA = Set(a.map(hashKey)), inB = Set(b.map(hashKey))
            let both = (a + b).filter { !(inA.contains(hashKey($0)) && inB.contains(hashKey($0))) }
            return .list(try uniqueItems(both, caseSensitive: true, attribute: nil, call: call))
        },
        "join": { _, call throws(TemplateError) in
            let p = try call.bind(["d", "attribute"])
            let separator = try p.value("d")?.pythonString ?? ""
            let attribute = try p.value("attribute")?.pythonString
            var out = ""
            for (i, item) in try sequence(call).enumerated() {
                if i > 0 { out += separator }
                var v = item
                if let attribute {
                    guard let found = attributePath(item, attribute) else {
                        throw TemplateError(.undefinedVariable, "'\(item.pythonTypeName) object' has no attribute '\(attribute)'", at: call.location)
                    }
                    v = found
                }
                v.writeString(to: &out)
            }
            return .string(out)
        },
        "reverse": { _, call throws(TemplateError) in
            _ = try call.bind([])
            if case .string(let s) = try call.value() { return .string(String(s.reversed())) }
            return .list(try sequence(call).reversed())
        },
        "list": { _, call throws(TemplateError) in
            _ = try call.bind([])
            return .list(try sequence(call))
        },
        "flatten": { _, call throws(TemplateError) in
            let p = try call.bind(["levels", "skip_nulls"])
            return .list(flatten(try sequence(call), levels: try p.int("levels"), skipNulls: try p.bool("skip_nulls", default: true)))
        },
        "zip": { _, call throws(TemplateError) in
            var lists = [try sequence(call)]
            for a in try call.positionalValues() {
                guard case .list(let l) = a else { throw call.fail(.typeError, "zip arguments must be lists") }
                lists.append(l)
            }
            let n = lists.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .list(lists.map { $0[i] }) })
        },
        "zip_longest": { _, call throws(TemplateError) in
            let fill = try call.kwarg("fillvalue") ?? .null
            var lists = [try sequence(call)]
            for a in try call.positionalValues() {
                guard case .list(let l) = a else { throw call.fail(.typeError, "zip_longest arguments must be lists") }
                lists.append(l)
            }
            let n = lists.map(\.count).max() ?? 0
            return .list((0..<n).map { i in .list(lists.map { i < $0.count ? $0[i] : fill }) })
        },
        "product": { _, call throws(TemplateError) in
            for key in call.kwargs.keys where key != "repeat" {
                throw call.fail(.typeError, "unexpected argument '\(key)' (expected repeat)")
            }
            var lists = [try sequence(call)]
            for a in try call.positionalValues() {
                guard case .list(let l) = a else { throw call.fail(.typeError, "product arguments must be lists") }
                lists.append(l)
            }
            let repeatCount = max(1, (try call.kwarg("repeat"))?.integer ?? 1)
            lists = Array([[[Value]]](repeating: lists, count: repeatCount).joined())
            var out: [[Value]] = [[]]
            for l in lists {
                var next: [[Value]] = []
                for prefix in out {
                    for item in l { next.append(prefix + [item]) }
                }
                if next.count > maxCollectionCount { throw call.fail(.limitExceeded, "the product has too many combinations") }
                out = next
            }
            return .list(out.map { .list($0) })
        },
        "subelements": { _, call throws(TemplateError) in
            let p = try call.bind(["subelements", "skip_missing"])
            let path = try p.required("subelements").pythonString
            let skipMissing = try p.bool("skip_missing", default: false)
            var out: [Value] = []
            for item in try sequence(call) {
                guard let sub = attributePath(item, path) else {
                    if skipMissing { continue }
                    throw call.fail(.undefinedVariable, "could not find '\(path)' key in iterated item \(item.pythonRepr)")
                }
                guard case .list(let subs) = sub else {
                    throw call.fail(.typeError, "the key '\(path)' should point to a list, got \(sub.pythonRepr)")
                }
                for s in subs { out.append(.list([item, s])) }
            }
            return .list(out)
        },
        "batch": { _, call throws(TemplateError) in
            let p = try call.bind(["linecount", "fill_with"])
            let size = try p.int("linecount") ?? 0
            guard size > 0 else { throw call.fail(.valueError, "linecount must be a positive integer") }
            let items = try sequence(call)
            let fill = try p.value("fill_with")
            var out: [Value] = []
            for start in stride(from: 0, to: items.count, by: size) {
                var chunk = Array(items[start..<min(start + size, items.count)])
                if let fill { while chunk.count < size { chunk.append(fill) } }
                out.append(.list(chunk))
            }
            return .list(out)
        },
    ]
}
