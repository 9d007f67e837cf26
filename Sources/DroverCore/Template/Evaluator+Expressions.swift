import OrderedCollections

/// Evaluation of expressions: names, literals, attribute and item access,
/// operators, conditionals, filters, tests and calls.
extension Evaluator {
    func eval(_ e: Expression) throws(TemplateError) -> RValue {
        switch e.kind {
        case .literal(let v):
            return .value(v)
        case .name(let n):
            return try lookup(n, at: e)
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try value(item)) }
            return .value(.list(out))
        case .dict(let pairs):
            var out = OrderedDictionary<String, Value>()
            for pair in pairs {
                let key = try value(pair.key)
                out[key.pythonString] = try value(pair.value)
            }
            return .value(.dict(out))
        case .attribute(let base, let name):
            if case .name("loop") = base.kind, let found = loopAttribute(name) {
                if let v = found { return .value(v) }
                return .undefined(Undefined(message: "'loop' has no attribute '\(name)'", location: location(e)))
            }
            return try attribute(try eval(base), name, at: e)
        case .item(let base, let key):
            return try item(try eval(base), try value(key), at: e)
        case .slice(let base, let start, let stop, let step):
            let target = try value(base)
            return .value(try slice(target, start: try start.map { x throws(TemplateError) in try value(x) },
                                    stop: try stop.map { x throws(TemplateError) in try value(x) },
                                    step: try step.map { x throws(TemplateError) in try value(x) }, at: e))
        case .unary(let op, let operand):
            let v = try eval(operand)
            switch op {
            case .not: return .value(.bool(!(try truthy(v))))
            case .negate, .plus: return .value(try unary(op, try force(v), at: e))
            }
        case .binary(let op, let lhs, let rhs):
            return .value(try binary(op, try value(lhs), try value(rhs), at: e))
        case .and(let lhs, let rhs):
            let l = try eval(lhs)
            return try truthy(l) ? try eval(rhs) : l
        case .or(let lhs, let rhs):
            let l = try eval(lhs)
            return try truthy(l) ? l : try eval(rhs)
        case .compare(let first, let rest):
            var left = try value(first)
            for comparison in rest {
                let right = try value(comparison.operand)
                if !(try compare(comparison.op, left, right, at: comparison.operand)) { return .value(.bool(false)) }
                left = right
            }
            return .value(.bool(true))
        case .conditional(let test, let then, let otherwise):
            if try truthy(try eval(test)) { return try eval(then) }
            if let otherwise { return try eval(otherwise) }
            return .undefined(Undefined(message: "the inline if-expression evaluated to false and has no else section",
                                        location: location(e), silent: true))
        case .filter(let input, let name, let args):
            guard let input else {
                throw fail(.syntax, "filter '\(name)' has no input", at: e)
            }
            return .value(try callFilter(name, input: try eval(input), args: args, at: e))
        case .test(let input, let name, let args, let negated):
            let result = try callTest(name, input: try eval(input), args: args, at: e)
            return .value(.bool(result != negated))
        case .call(let callee, let args):
            return try call(callee, args, at: e)
        }
    }

    // MARK: Access

    func attribute(_ base: RValue, _ name: String, at e: Expression) throws(TemplateError) -> RValue {
        guard case .value(let v) = base else { return base }
        if case .dict(let d) = v, let found = d[name] { return .value(found) }
        return .undefined(Undefined(
            message: "'\(v.pythonTypeName) object' has no attribute '\(name)': check the spelling, or use '| default(...)' when it may be missing",
            location: location(e)))
    }

    func item(_ base: RValue, _ key: Value, at e: Expression) throws(TemplateError) -> RValue {
        guard case .value(let v) = base else { return base }
        switch v {
        case .dict(let d):
            if let found = d[key.pythonString] { return .value(found) }
        case .list(let items):
            if let i = key.integer {
                let index = i < 0 ? items.count + i : i
                if index >= 0 && index < items.count { return .value(items[index]) }
                return .undefined(Undefined(
                    message: "list object has no element \(i): the list has \(items.count) items",
                    location: location(e)))
            }
        case .string(let s):
            if let i = key.integer {
                let chars = Array(s)
                let index = i < 0 ? chars.count + i : i
                if index >= 0 && index < chars.count { return .value(.string(String(chars[index]))) }
                return .undefined(Undefined(message: "string has no character \(i): it has \(chars.count)", location: location(e)))
            }
        default:
            break
        }
        return .undefined(Undefined(
            message: "'\(v.pythonTypeName) object' has no attribute \(key.pythonRepr): check the key, or use '| default(...)' when it may be missing",
            location: location(e)))
    }

    /// Python slicing of lists and strings.
    func slice(_ v: Value, start: Value?, stop: Value?, step: Value?, at e: Expression) throws(TemplateError) -> Value {
        func bound(_ b: Value?) throws(TemplateError) -> Int? {
            guard let b, b != .null else { return nil }
            guard let i = b.integer else {
                throw fail(.typeError, "slice indices must be integers or none, not \(b.pythonTypeName)", at: e)
            }
            return i
        }
        let stepValue = try bound(step) ?? 1
        if stepValue == 0 { throw fail(.valueError, "slice step cannot be zero", at: e) }
        func indices(count: Int) throws(TemplateError) -> [Int] {
            func clamp(_ i: Int?, _ fallback: Int) -> Int {
                guard var i else { return fallback }
                if i < 0 { i += count }
                if stepValue > 0 { return min(max(i, 0), count) }
                return min(max(i, -1), count - 1)
            }
            let lo = clamp(try bound(start), stepValue > 0 ? 0 : count - 1)
            let hi = clamp(try bound(stop), stepValue > 0 ? count : -1)
            var out: [Int] = []
            var i = lo
            while stepValue > 0 ? i < hi : i > hi {
                out.append(i)
                i += stepValue
            }
            return out
        }
        switch v {
        case .list(let items):
            return .list(try indices(count: items.count).map { items[$0] })
        case .string(let s):
            let chars = Array(s)
            return .string(String(try indices(count: chars.count).map { chars[$0] }))
        default:
            throw fail(.typeError, "'\(v.pythonTypeName)' object is not subscriptable: only lists and strings can be sliced", at: e)
        }
    }

    // MARK: Filters and tests

    func evaluateArguments(_ args: Expression.Arguments) throws(TemplateError) -> ([RValue], [String: RValue]) {
        var positional: [RValue] = []
        for a in args.positional { positional.append(try eval(a)) }
        var named: [String: RValue] = [:]
        for (n, a) in args.named { named[n] = try eval(a) }
        return (positional, named)
    }

    func callFilter(_ name: String, input: RValue, args: Expression.Arguments, at e: Expression) throws(TemplateError) -> Value {
        guard let filter = Self.filters[name] else { throw Self.unknownFilter(name, at: location(e)) }
        let (positional, named) = try evaluateArguments(args)
        return try filter(self, FilterCall(name: name, input: input, args: positional, kwargs: named, location: location(e)))
    }

    /// Applies a parsed `| filter(args)` (with no input) to a value.
    func applyFilter(_ f: Expression, to v: Value) throws(TemplateError) -> Value {
        guard case .filter(_, let name, let args) = f.kind else { return v }
        return try callFilter(name, input: .value(v), args: args, at: f)
    }

    func callTest(_ name: String, input: RValue, args: Expression.Arguments, at e: Expression) throws(TemplateError) -> Bool {
        guard let test = Self.tests[name] else { throw Self.unknownTest(name, at: location(e)) }
        let (positional, named) = try evaluateArguments(args)
        return try test(self, FilterCall(name: name, input: input, args: positional, kwargs: named, location: location(e)))
    }

    static func unknownFilter(_ name: String, at location: SourceLocation) -> TemplateError {
        TemplateError(.unknownFilter, "no filter named '\(name)'\(Suggestion.didYouMean(name, among: filters.keys)); "
            + "see docs/templating.md for the filters Drover supports", at: location)
    }

    static func unknownTest(_ name: String, at location: SourceLocation) -> TemplateError {
        TemplateError(.unknownTest, "no test named '\(name)'\(Suggestion.didYouMean(name, among: tests.keys)); "
            + "see docs/templating.md for the tests Drover supports", at: location)
    }

    // MARK: Calls

    func call(_ callee: Expression, _ args: Expression.Arguments, at e: Expression) throws(TemplateError) -> RValue {
        switch callee.kind {
        case .attribute(let base, let method):
            let receiver = try value(base)
            let (positional, named) = try evaluateArguments(args)
            let call = FilterCall(name: method, input: .value(receiver), args: positional, kwargs: named, location: location(e))
            // Mutating methods (append, update…) write back to the variable.
            let (result, mutated) = try callMethod(method, on: receiver, call)
            if let mutated, case .name(let n) = base.kind { updateVariable(n, mutated) }
            return .value(result)
        case .name(let n):
            if !isLocal(n) {
                if let macro = findMacro(n) {
                    return .value(try callMacro(macro, args, at: e))
                }
                if let global = Self.globals[n] {
                    let (positional, named) = try evaluateArguments(args)
                    return .value(try global(self, FilterCall(name: n, input: .value(.null), args: positional, kwargs: named, location: location(e))))
                }
            }
            let target = try eval(callee)
            if case .undefined = target {
                throw fail(.unknownFunction, "'\(n)' is not a function Drover knows\(Suggestion.didYouMean(n, among: Self.globals.keys)): "
                    + "the functions are \(Self.globals.keys.sorted().joined(separator: ", "))", at: callee)
            }
            throw fail(.typeError, "'\(n)' is a \(try force(target).pythonTypeName), not a function: remove the '()'", at: callee)
        default:
            let target = try value(callee)
            throw fail(.typeError, "'\(target.pythonTypeName)' object is not callable", at: callee)
        }
    }

    func findMacro(_ name: String) -> TemplateNode.Macro? {
        for frame in frames.reversed() {
            if let m = frame.macros[name] { return m }
        }
        return nil
    }

    func callMacro(_ macro: TemplateNode.Macro, _ args: Expression.Arguments, at e: Expression) throws(TemplateError) -> Value {
        let (positional, named) = try evaluateArguments(args)
        if positional.count > macro.parameters.count {
            throw fail(.typeError, "macro '\(macro.name)' takes \(macro.parameters.count) arguments, \(positional.count) given", at: e)
        }
        var frame = Frame()
        frame.macros = frames[0].macros
        for (i, p) in macro.parameters.enumerated() {
            if i < positional.count {
                frame.variables[p] = try force(positional[i])
            } else if let v = named[p] {
                frame.variables[p] = try force(v)
            } else if let d = macro.defaults[p] {
                frame.variables[p] = try value(d)
            }
        }
        for key in named.keys where !macro.parameters.contains(key) {
            throw fail(.typeError, "macro '\(macro.name)' has no parameter '\(key)'", at: e)
        }
        let saved = frames
        frames = [frames[0], frame]
        defer { frames = saved }
        var out = ""
        try nested(at: e) { () throws(TemplateError) in try render(macro.body, into: &out) }
        return .string(out)
    }
}

/// "did you mean" suggestions for misspelt names.
enum Suggestion {
    static func didYouMean<S: Sequence>(_ name: String, among candidates: S) -> String where S.Element == String {
        var best: (String, Int)?
        for c in candidates {
            let d = distance(name, c)
            if d <= max(2, name.count / 3), best == nil || d < best!.1 || (d == best!.1 && c < best!.0) {
                best = (c, d)
            }
        }
        return best.map { " (did you mean '\($0.0)'?)" } ?? ""
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var row = previous
        for i in 1...a.count {
            row[0] = i
            for j in 1...b.count {
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &row)
        }
        return previous[b.count]
    }
}
