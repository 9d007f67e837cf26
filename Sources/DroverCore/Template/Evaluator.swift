import OrderedCollections

/// A value that was asked for but does not exist: it can be tested with
/// `is defined` or replaced with `| default`, and is an error anywhere else.
struct Undefined: Sendable {
    var message: String
    var location: SourceLocation
    /// `x if false` with no else: renders as "" like Jinja2, is not an error.
    var silent = false

    var error: TemplateError { TemplateError(.undefinedVariable, message, at: location) }
}

/// The result of evaluating an expression.
enum RValue: Sendable {
    case value(Value)
    case undefined(Undefined)

    var isDefined: Bool {
        if case .value = self { return true }
        return false
    }
}

/// Renders parsed templates against a context. One evaluator per
/// top-level render; it is not shared between threads.
final class Evaluator {
    static let maxNesting = 64
    static let maxOutputBytes = 64 << 20
    static let maxCollectionCount = 1_000_000
    /// Statements and loop iterations one render may execute.
    static let maxSteps = 5_000_000

    /// The `loop` variable of a for loop, materialised only when used whole.
    struct LoopState {
        var index0: Int
        var items: [Value]

        func attribute(_ name: String) -> Value? {
            let n = items.count
            switch name {
            case "index": return .int(index0 + 1)
            case "index0": return .int(index0)
            case "revindex": return .int(n - index0)
            case "revindex0": return .int(n - index0 - 1)
            case "first": return .bool(index0 == 0)
            case "last": return .bool(index0 == n - 1)
            case "length": return .int(n)
            // Jinja2's depth counts recursive loop() calls, which Drover does not support.
            case "depth": return .int(1)
            case "depth0": return .int(0)
            case "previtem": return index0 > 0 ? items[index0 - 1] : nil
            case "nextitem": return index0 + 1 < n ? items[index0 + 1] : nil
            default: return nil
            }
        }

        var dict: Value {
            var d = OrderedDictionary<String, Value>()
            for key in ["index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0", "previtem", "nextitem"] {
                if let v = attribute(key) { d[key] = v }
            }
            return .dict(d)
        }
    }

    struct Frame {
        var loop: LoopState?
        var variables: [String: Value] = [:]
        /// `{% set x = undefined %}` stores the undefined; using x reports it.
        var undefined: [String: Undefined] = [:]
        var macros: [String: TemplateNode.Macro] = [:]
    }

    let context: any TemplateContext
    var map: SourceMap
    var frames: [Frame] = [Frame()]
    /// Lazily templated context variables already rendered in this run.
    var lazyCache: [String: Value] = [:]
    /// Context variables being rendered, for cycle detection.
    var resolving: [String] = []
    /// Include, macro and lazy-variable nesting.
    var nesting = 0
    var regexCache: [String: PythonRegex] = [:]
    var steps = 0

    init(context: any TemplateContext, map: SourceMap) {
        self.context = context
        self.map = map
    }

    func location(_ e: Expression) -> SourceLocation { map.location(line: e.line, column: e.column) }
    func location(_ n: TemplateNode) -> SourceLocation { map.location(line: n.line, column: n.column) }

    func fail(_ code: TemplateError.Code, _ message: String, at e: Expression) -> TemplateError {
        TemplateError(code, message, at: location(e))
    }

    // MARK: Variables

    func lookup(_ name: String, at e: Expression) throws(TemplateError) -> RValue {
        for frame in frames.reversed() {
            if let v = frame.variables[name] { return .value(v) }
            if let u = frame.undefined[name] { return .undefined(u) }
            if name == "loop", let loop = frame.loop { return .value(loop.dict) }
        }
        if let v = lazyCache[name] { return .value(v) }
        if let raw = context.variable(named: name) {
            guard raw.containsTemplate else { return .value(raw) }
            return .value(try resolveLazily(name, raw: raw, usedAt: e))
        }
        return .undefined(Undefined(
            message: "'\(name)' is undefined: define it (vars, facts, set_fact, register) or guard it with "
                + "'\(name) | default(...)' or 'when: \(name) is defined'",
            location: location(e)))
    }

    /// Ansible's lazy templating: a variable whose value contains templates
    /// is rendered when first used, in the context's scope.
    func resolveLazily(_ name: String, raw: Value, usedAt e: Expression) throws(TemplateError) -> Value {
        if let i = resolving.firstIndex(of: name) {
            let chain = (resolving[i...] + [name]).joined(separator: " -> ")
            throw TemplateError(.recursiveLoop,
                                "recursive loop detected in template: \(chain); make one of these variables stop referring to the others",
                                at: location(e))
        }
        resolving.append(name)
        let savedFrames = frames
        let savedMap = map
        frames = [Frame()]
        defer {
            resolving.removeLast()
            frames = savedFrames
            map = savedMap
        }
        let origin = context.location(ofVariable: name)
        let sourceMap = SourceMap(name: origin?.file ?? "variable '\(name)'",
                                  baseLine: origin?.line ?? 1, baseColumn: origin?.column ?? 1)
        let result = try nested(at: e) { () throws(TemplateError) -> Value in try templateValue(raw, map: sourceMap) }
        lazyCache[name] = result
        return result
    }

    /// Renders every string in a value; a string that is one `{{ expr }}`
    /// becomes that expression's native value.
    func templateValue(_ raw: Value, map sourceMap: SourceMap) throws(TemplateError) -> Value {
        switch raw {
        case .string(let s) where Template.containsTemplate(s):
            let nodes = try TemplateParser.parse(s, map: sourceMap)
            map = sourceMap
            return try nativeValue(of: nodes)
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try templateValue(item, map: sourceMap)) }
            return .list(out)
        case .dict(let d):
            var out = OrderedDictionary<String, Value>()
            for (k, v) in d { out[k] = try templateValue(v, map: sourceMap) }
            return .dict(out)
        default:
            return raw
        }
    }

    /// One output node alone gives its value; anything else renders to a string.
    func nativeValue(of nodes: [TemplateNode]) throws(TemplateError) -> Value {
        if nodes.count == 1, case .output(let e) = nodes[0].kind {
            switch try eval(e) {
            case .value(let v): return v
            case .undefined(let u):
                if u.silent { return .string("") }
                throw u.error
            }
        }
        var out = ""
        try render(nodes, into: &out)
        return .string(out)
    }

    func nested<T>(at e: Expression, _ body: () throws(TemplateError) -> T) throws(TemplateError) -> T {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.maxNesting {
            throw fail(.limitExceeded, "templates, includes and macros nest more than \(Self.maxNesting) deep: look for a runaway recursion", at: e)
        }
        return try body()
    }

    func setVariable(_ name: String, _ value: Value) {
        frames[frames.count - 1].variables[name] = value
        frames[frames.count - 1].undefined[name] = nil
    }

    /// Writes through to wherever `name` lives (namespaces, mutating methods).
    func updateVariable(_ name: String, _ value: Value) {
        for i in frames.indices.reversed() where frames[i].variables[name] != nil {
            frames[i].variables[name] = value
            return
        }
        frames[0].variables[name] = value
    }

    // MARK: Forcing values

    func force(_ r: RValue) throws(TemplateError) -> Value {
        switch r {
        case .value(let v): return v
        case .undefined(let u): throw u.error
        }
    }

    func value(_ e: Expression) throws(TemplateError) -> Value {
        try force(try eval(e))
    }

    func truthy(_ r: RValue) throws(TemplateError) -> Bool {
        switch r {
        case .value(let v): return v.pythonTruthy
        case .undefined(let u):
            if u.silent { return false }
            throw u.error
        }
    }

    // MARK: Statements

    func render(_ nodes: [TemplateNode], into out: inout String) throws(TemplateError) {
        for node in nodes {
            try render(node, into: &out)
            if out.utf8.count > Self.maxOutputBytes {
                throw TemplateError(.limitExceeded, "template output exceeds \(Self.maxOutputBytes >> 20) MB: check for a runaway loop",
                                    at: location(node))
            }
        }
    }

    func render(_ node: TemplateNode, into out: inout String) throws(TemplateError) {
        steps += 1
        if steps > Self.maxSteps {
            throw TemplateError(.limitExceeded, "template executed more than \(Self.maxSteps) statements: check for a runaway loop",
                                at: location(node))
        }
        switch node.kind {
        case .text(let s):
            out += s
        case .output(let e):
            switch try eval(e) {
            case .value(let v):
                // Ansible's finalize: None prints as an empty string.
                if case .null = v { break }
                v.writeString(to: &out)
            case .undefined(let u):
                if !u.silent { throw u.error }
            }
        case .ifBlock(let branches, let otherwise):
            for branch in branches {
                if try truthy(try eval(branch.condition)) {
                    try render(branch.body, into: &out)
                    return
                }
            }
            try render(otherwise, into: &out)
        case .forLoop(let loop):
            try renderFor(loop, at: node, into: &out)
        case .set(let targets, let e):
            switch try eval(e) {
            case .value(let v):
                try assign(targets, v, at: e)
            case .undefined(let u):
                guard targets.count == 1, case .name(let n) = targets[0] else { throw u.error }
                frames[frames.count - 1].variables[n] = nil
                frames[frames.count - 1].undefined[n] = u
            }
        case .setBlock(let target, let body, let filters):
            var text = ""
            try render(body, into: &text)
            var v = Value.string(text)
            for f in filters { v = try applyFilter(f, to: v) }
            try assign([target], v, at: nil)
        case .filterBlock(let filters, let body):
            var text = ""
            try render(body, into: &text)
            var v = Value.string(text)
            for f in filters { v = try applyFilter(f, to: v) }
            v.writeString(to: &out)
        case .with(let assignments, let body):
            var frame = Frame()
            for (name, e) in assignments { frame.variables[name] = try value(e) }
            frames.append(frame)
            defer { frames.removeLast() }
            try render(body, into: &out)
        case .include(let e, let ignoreMissing):
            try include(e, ignoreMissing: ignoreMissing, into: &out)
        case .macro(let m):
            frames[frames.count - 1].macros[m.name] = m
        }
    }

    func assign(_ targets: [TemplateNode.Target], _ v: Value, at e: Expression?) throws(TemplateError) {
        var values = [v]
        if targets.count > 1 {
            guard case .list(let items) = v, items.count == targets.count else {
                let message = "cannot unpack \(v.pythonTypeName) into \(targets.count) variables: give a list of exactly \(targets.count) items"
                throw TemplateError(.valueError, message, at: e.map(location) ?? map.location(line: 1, column: 1))
            }
            values = items
        }
        for (target, value) in zip(targets, values) {
            switch target {
            case .name(let n):
                setVariable(n, value)
            case .attribute(let n, let attr):
                var found: Value?
                for frame in frames.reversed() {
                    if let v = frame.variables[n] { found = v; break }
                }
                guard case .dict(var d)? = found else {
                    throw TemplateError(.typeError, "'\(n)' is not a namespace: create it with '{% set \(n) = namespace() %}' first",
                                        at: e.map(location) ?? map.location(line: 1, column: 1))
                }
                d[attr] = value
                updateVariable(n, .dict(d))
            }
        }
    }

    func renderFor(_ loop: TemplateNode.ForLoop, at node: TemplateNode, into out: inout String) throws(TemplateError) {
        var items = try iterate(try value(loop.iterable), at: loop.iterable)
        func bind(_ item: Value, into frame: inout Frame) throws(TemplateError) {
            if loop.targets.count == 1 {
                frame.variables[loop.targets[0]] = item
                return
            }
            guard case .list(let parts) = item, parts.count == loop.targets.count else {
                throw fail(.valueError,
                           "cannot unpack \(item.pythonRepr) into \(loop.targets.joined(separator: ", ")): each item must be a list of \(loop.targets.count) values",
                           at: loop.iterable)
            }
            for (name, part) in zip(loop.targets, parts) { frame.variables[name] = part }
        }
        if let condition = loop.condition {
            var kept: [Value] = []
            for item in items {
                var frame = Frame()
                try bind(item, into: &frame)
                frames.append(frame)
                defer { frames.removeLast() }
                if try truthy(try eval(condition)) { kept.append(item) }
            }
            items = kept
        }
        if items.isEmpty {
            try render(loop.otherwise, into: &out)
            return
        }
        for (i, item) in items.enumerated() {
            steps += 1
            if steps > Self.maxSteps {
                throw TemplateError(.limitExceeded, "template executed more than \(Self.maxSteps) statements: check for a runaway loop",
                                    at: location(node))
            }
            var frame = Frame()
            frame.loop = LoopState(index0: i, items: items)
            try bind(item, into: &frame)
            frames.append(frame)
            defer { frames.removeLast() }
            try render(loop.body, into: &out)
        }
    }

    func isLocal(_ name: String) -> Bool {
        frames.contains { $0.variables[name] != nil || $0.undefined[name] != nil || (name == "loop" && $0.loop != nil) }
    }

    /// `loop.index` and friends without building the whole `loop` dict.
    func loopAttribute(_ name: String) -> Value?? {
        for frame in frames.reversed() {
            if frame.variables["loop"] != nil || frame.undefined["loop"] != nil { return nil }
            if let loop = frame.loop { return .some(loop.attribute(name)) }
        }
        return nil
    }

    /// What `for` iterates: list items, dict keys, string characters.
    func iterate(_ v: Value, at e: Expression) throws(TemplateError) -> [Value] {
        switch v {
        case .list(let items): return items
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        default:
            throw fail(.typeError, "'\(v.pythonTypeName)' object is not iterable: loop over a list or dict", at: e)
        }
    }

    func include(_ e: Expression, ignoreMissing: Bool, into out: inout String) throws(TemplateError) {
        let nameValue = try value(e)
        var candidates: [String] = []
        switch nameValue {
        case .string(let s): candidates = [s]
        case .list(let l): candidates = l.map(\.pythonString)
        default: throw fail(.typeError, "include needs a template file name (a string), got \(nameValue.pythonTypeName)", at: e)
        }
        for candidate in candidates {
            guard let path = FileLookup.find(candidate, in: context.searchPaths) else { continue }
            guard let text = FileLookup.read(path) else {
                throw fail(.lookupFailed, "could not read included template '\(path)': check its permissions", at: e)
            }
            let sourceMap = SourceMap(name: path, baseLine: 1, baseColumn: 1)
            let nodes = try TemplateParser.parse(text, map: sourceMap)
            let savedMap = map
            map = sourceMap
            frames.append(Frame())
            defer {
                frames.removeLast()
                map = savedMap
            }
            try nested(at: e) { () throws(TemplateError) in try render(nodes, into: &out) }
            return
        }
        if ignoreMissing { return }
        let searched = context.searchPaths.isEmpty ? "no search paths are set" : "searched: " + context.searchPaths.joined(separator: ", ")
        throw fail(.lookupFailed, "included template \(nameValue.pythonRepr) not found (\(searched)): check the name or add 'ignore missing'", at: e)
    }
}

extension Value {
    /// Appends `str(self)` without building intermediate strings.
    func writeString(to out: inout String) {
        if case .string(let s) = self { out += s } else { writeRepr(to: &out) }
    }
}
