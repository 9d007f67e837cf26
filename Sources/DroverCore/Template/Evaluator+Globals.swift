import OrderedCollections

/// Global functions: `range()`, `lookup()`, `query()`/`q()`, `dict()`, `namespace()`.
extension Evaluator {
    static let globals: [String: FilterFunction] = [
        "range": { _, call throws(TemplateError) in
            guard call.kwargs.isEmpty else { throw call.fail(.typeError, "range() takes no keyword arguments") }
            let args = try call.positionalValues()
            var ints: [Int] = []
            for a in args {
                guard let i = a.integer else { throw call.fail(.typeError, "'\(a.pythonTypeName)' object cannot be interpreted as an integer") }
                ints.append(i)
            }
            let (start, stop, step): (Int, Int, Int)
            switch ints.count {
            case 1: (start, stop, step) = (0, ints[0], 1)
            case 2: (start, stop, step) = (ints[0], ints[1], 1)
            case 3: (start, stop, step) = (ints[0], ints[1], ints[2])
            default: throw call.fail(.typeError, "range expected 1 to 3 arguments, got \(ints.count)")
            }
            guard step != 0 else { throw call.fail(.valueError, "range() arg 3 must not be zero") }
            let count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                                 : (start > stop ? (start - stop - step - 1) / -step : 0)
            guard count <= maxCollectionCount else {
                throw call.fail(.limitExceeded, "range of \(count) numbers is too large (the limit is \(maxCollectionCount))")
            }
            return .list((0..<count).map { .int(start + $0 * step) })
        },
        "lookup": { ev, call throws(TemplateError) in try ev.lookupPlugin(call, wantList: false) },
        "query": { ev, call throws(TemplateError) in try ev.lookupPlugin(call, wantList: true) },
        "q": { ev, call throws(TemplateError) in try ev.lookupPlugin(call, wantList: true) },
        "dict": { ev, call throws(TemplateError) in
            var d = OrderedDictionary<String, Value>()
            for a in try call.positionalValues() {
                switch a {
                case .dict(let other): for (k, v) in other { d[k] = v }
                case .list(let pairs):
                    for pair in pairs {
                        guard case .list(let kv) = pair, kv.count == 2 else { throw call.fail(.valueError, "dict() needs key/value pairs") }
                        d[kv[0].pythonString] = kv[1]
                    }
                default: throw call.fail(.typeError, "dict() needs a dict or a list of pairs")
                }
            }
            for key in call.kwargs.keys.sorted() { d[key] = try ev.force(call.kwargs[key]!) }
            return .dict(d)
        },
        "namespace": { ev, call throws(TemplateError) in
            var d = OrderedDictionary<String, Value>()
            for a in try call.positionalValues() {
                if case .dict(let other) = a { for (k, v) in other { d[k] = v } }
            }
            for key in call.kwargs.keys.sorted() { d[key] = try ev.force(call.kwargs[key]!) }
            return .dict(d)
        },
    ]

    /// `lookup('env'|'file'|'vars'|'items'|'list'|'template', terms...)`.
    func lookupPlugin(_ call: FilterCall, wantList: Bool) throws(TemplateError) -> Value {
        var args = try call.positionalValues()
        guard !args.isEmpty, case .string(var plugin) = args.removeFirst() else {
            throw call.fail(.typeError, "the first argument is the lookup name, e.g. lookup('env', 'HOME')")
        }
        for prefix in ["ansible.builtin.", "ansible.legacy."] where plugin.hasPrefix(prefix) { plugin.removeFirst(prefix.count) }
        let wantListArgument = try call.kwarg("wantlist")?.pythonTruthy ?? false
        let wantList = wantList || wantListArgument
        let errors = try call.kwarg("errors")?.pythonString ?? "strict"
        let terms = args.flatMap { v -> [Value] in if case .list(let l) = v, plugin != "items" { return l } else { return [v] } }
        var results: [Value] = []
        // Before `errors=` applies: a refusal is never ignored. (pipe and
        // lines are not supported either way; a forbidding run says why.)
        switch plugin {
        case "env": try requireControllerAccess(call, "lookup('env') reads the controller's environment")
        case "pipe", "lines": try requireControllerAccess(call, "lookup('\(plugin)') runs a command on the controller")
        default: break
        }
        do throws(TemplateError) {
            switch plugin {
            case "env":
                let fallback = try call.kwarg("default")
                for t in terms {
                    if let v = context.environmentVariable(t.pythonString) { results.append(.string(v)) }
                    else { results.append(fallback ?? .string("")) }
                }
            case "file":
                let rstrip = try call.kwarg("rstrip")?.pythonTruthy ?? true
                let lstrip = try call.kwarg("lstrip")?.pythonTruthy ?? false
                for t in terms {
                    let name = t.pythonString
                    guard let path = FileLookup.find(name, in: context.searchPaths), let text = FileLookup.read(path) else {
                        let searched = context.searchPaths.isEmpty ? "" : " (searched: \(context.searchPaths.joined(separator: ", ")))"
                        throw call.fail(.lookupFailed, "could not locate file in lookup: \(name)\(searched)")
                    }
                    results.append(.string(PythonText.strip(text, chars: nil, leading: lstrip, trailing: rstrip)))
                }
            case "vars":
                let fallback = try call.kwarg("default")
                for t in terms {
                    let name = t.pythonString
                    let probe = Expression(.name(name), line: 0, column: 0)
                    switch try lookup(name, at: probe) {
                    case .value(let v): results.append(v)
                    case .undefined:
                        guard let fallback else {
                            throw call.fail(.undefinedVariable, "no variable found with this name: \(name)")
                        }
                        results.append(fallback)
                    }
                }
            case "items":
                results = Self.flatten(terms, levels: 1, skipNulls: false)
            case "list":
                results = terms
            case "template":
                for t in terms {
                    let name = t.pythonString
                    guard let path = FileLookup.find(name, in: context.searchPaths), let text = FileLookup.read(path) else {
                        throw call.fail(.lookupFailed, "could not locate template in lookup: \(name)")
                    }
                    let map = SourceMap(name: path, baseLine: 1, baseColumn: 1)
                    let nodes = try TemplateParser.parse(text, map: map)
                    let saved = self.map
                    self.map = map
                    defer { self.map = saved }
                    var out = ""
                    try render(nodes, into: &out)
                    results.append(.string(out))
                }
            default:
                throw call.fail(.unsupported, "lookup plugin '\(plugin)' is not supported by Drover; the supported ones are env, file, vars, items, list and template")
            }
        } catch {
            if error.code == .unsupported || errors == "strict" { throw error }
            return wantList ? .list([]) : .null
        }
        if wantList { return .list(results) }
        if plugin == "items" || plugin == "list" { return .list(results) }
        if results.count == 1 { return results[0] }
        return .string(results.map(\.pythonString).joined(separator: ","))
    }

    /// Fails when the run forbids controller access (`ControllerAccess`).
    func requireControllerAccess(_ call: FilterCall, _ what: String) throws(TemplateError) {
        guard context.controllerAccess == .forbidden else { return }
        throw call.fail(.forbidden, "\(what), and this run forbids controller access; pass the value as a variable instead")
    }
}
