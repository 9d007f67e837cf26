/// One application of a filter, test, global function or method: its
/// input, arguments and where it was written.
struct FilterCall {
    var name: String
    var input: RValue
    var args: [RValue]
    var kwargs: [String: RValue]
    var location: SourceLocation

    func fail(_ code: TemplateError.Code, _ message: String) -> TemplateError {
        TemplateError(code, "\(name): \(message)", at: location)
    }

    /// The input, which must be defined.
    func value() throws(TemplateError) -> Value {
        switch input {
        case .value(let v): return v
        case .undefined(let u): throw u.error
        }
    }

    /// Checks the call against a parameter list and returns the bound
    /// arguments (positional first, then by keyword).
    func bind(_ names: [String]) throws(TemplateError) -> Arguments {
        if args.count > names.count {
            throw fail(.typeError, "takes at most \(names.count) argument\(names.count == 1 ? "" : "s") (\(args.count) given)")
        }
        var bound: [String: RValue] = [:]
        for (i, a) in args.enumerated() { bound[names[i]] = a }
        for (k, v) in kwargs {
            guard names.contains(k) else {
                let expected = names.isEmpty ? "it takes no arguments" : "expected one of: " + names.joined(separator: ", ")
                throw fail(.typeError, "unexpected argument '\(k)' (\(expected))")
            }
            if bound[k] != nil { throw fail(.typeError, "got multiple values for argument '\(k)'") }
            bound[k] = v
        }
        return Arguments(call: self, values: bound)
    }

    /// All positional arguments, forced.
    func positionalValues() throws(TemplateError) -> [Value] {
        var out: [Value] = []
        for a in args {
            switch a {
            case .value(let v): out.append(v)
            case .undefined(let u): throw u.error
            }
        }
        return out
    }

    func kwarg(_ name: String) throws(TemplateError) -> Value? {
        guard let r = kwargs[name] else { return nil }
        switch r {
        case .value(let v): return v
        case .undefined(let u): throw u.error
        }
    }

    struct Arguments {
        let call: FilterCall
        let values: [String: RValue]

        func has(_ name: String) -> Bool { values[name] != nil }

        func raw(_ name: String) -> RValue? { values[name] }

        func value(_ name: String) throws(TemplateError) -> Value? {
            guard let r = values[name] else { return nil }
            switch r {
            case .value(let v): return v
            case .undefined(let u): throw u.error
            }
        }

        func required(_ name: String) throws(TemplateError) -> Value {
            guard let v = try value(name) else { throw call.fail(.typeError, "missing required argument '\(name)'") }
            return v
        }

        func string(_ name: String) throws(TemplateError) -> String? {
            guard let v = try value(name) else { return nil }
            guard case .string(let s) = v else {
                throw call.fail(.typeError, "argument '\(name)' must be a string, not \(v.pythonTypeName)")
            }
            return s
        }

        func string(_ name: String, default fallback: String) throws(TemplateError) -> String {
            try string(name) ?? fallback
        }

        func bool(_ name: String, default fallback: Bool) throws(TemplateError) -> Bool {
            guard let v = try value(name) else { return fallback }
            return v.pythonTruthy
        }

        func int(_ name: String) throws(TemplateError) -> Int? {
            guard let v = try value(name), v != .null else { return nil }
            if let i = v.integer { return i }
            if case .double(let d) = v, d == d.rounded(), Swift.abs(d) < 1e18 { return Int(d) }
            throw call.fail(.typeError, "argument '\(name)' must be an integer, not \(v.pythonTypeName)")
        }

        func int(_ name: String, default fallback: Int) throws(TemplateError) -> Int {
            try int(name) ?? fallback
        }
    }
}

/// A filter: input and arguments to a value.
typealias FilterFunction = @Sendable (Evaluator, FilterCall) throws(TemplateError) -> Value
/// A test: input and arguments to true or false.
typealias TestFunction = @Sendable (Evaluator, FilterCall) throws(TemplateError) -> Bool
