import OrderedCollections

extension PlaybookParser {
    /// The module's arguments from a mapping, a `k=v` string, or free-form text.
    func moduleArguments(_ value: Value, spec: ModuleSpec, at location: SourceLocation) throws -> OrderedDictionary<String, Value> {
        switch value {
        case .null: return [:]
        case .dict(let dict): return dict
        case .string(let text):
            let parsed = KeyValueArguments.parse(text, rawKeys: spec.freeForm ? Set(spec.allArgumentNames) : nil)
            var arguments = OrderedDictionary<String, Value>()
            for (key, value) in parsed.pairs { arguments[key] = .string(value) }
            if let raw = parsed.raw {
                guard spec.freeForm else {
                    throw InputError(.badArgument,
                        "`\(raw)` is not a `key=value` argument of \(spec.name): write arguments as key=value or as a mapping", at: location)
                }
                arguments["_raw_params"] = .string(raw)
            }
            return arguments
        case .int, .double, .bool:
            guard spec.freeForm else {
                throw InputError(.badArgument, "\(spec.name) takes named arguments, not a bare value", at: location)
            }
            return ["_raw_params": .string(value.text)]
        case .list:
            throw InputError(.badArgument, "\(spec.name) takes a mapping of arguments, not a list", at: location)
        }
    }

    /// Unknown, missing, conflicting and wrongly typed arguments, as far as
    /// they can be known before templates are rendered.
    func validate(_ arguments: OrderedDictionary<String, Value>, spec: ModuleSpec, at location: SourceLocation,
                  keyLocations: [String: SourceLocation] = [:]) throws {
        var present = Set<String>()
        for (key, value) in arguments {
            let location = keyLocations[key] ?? location
            if key == "_raw_params" {
                present.insert(key)
                continue
            }
            guard let argument = spec.canonicalArgument(key) else {
                if spec.anyArguments {
                    guard isValidVariableName(key) else {
                        throw InputError(.badArgument, "`\(key)` is not a valid variable name for \(spec.name)", at: location)
                    }
                    continue
                }
                throw InputError(.badArgument, "\(spec.name) has no argument `\(key)`" + didYouMean(key, among: spec.allArgumentNames)
                    + (spec.allArgumentNames.isEmpty ? "" : " (it takes: \(spec.arguments.map(\.name).joined(separator: ", ")))"), at: location)
            }
            guard present.insert(argument.name).inserted else {
                throw InputError(.badArgument, "\(spec.name) gets `\(argument.name)` twice (through an alias): keep one", at: location)
            }
            try checkType(value, argument, module: spec.name, at: location)
        }
        if spec.freeForm && ModuleSpec.commandLike.contains(spec.name) && !present.contains("_raw_params")
            && !present.contains("cmd") && !present.contains("argv") {
            throw InputError(.badArgument, "\(spec.name) needs a command: write `\(spec.name): COMMAND` or give cmd:", at: location)
        }
        for argument in spec.arguments where argument.required && !present.contains(argument.name) {
            throw InputError(.badArgument, "\(spec.name) needs `\(argument.name)`", at: location)
        }
        for group in spec.mutuallyExclusive where group.filter(present.contains).count > 1 {
            throw InputError(.badArgument, "\(spec.name) takes only one of \(group.filter(present.contains).map { "`\($0)`" }.joined(separator: ", "))", at: location)
        }
        for group in spec.requiredOneOf where !group.contains(where: present.contains) {
            throw InputError(.badArgument, "\(spec.name) needs one of \(group.map { "`\($0)`" }.joined(separator: ", "))", at: location)
        }
    }

    private func checkType(_ value: Value, _ argument: ModuleSpec.Argument, module: String, at location: SourceLocation) throws {
        // A templated value is checked when rendered, at run time.
        if case .string(let s) = value, s.contains("{{") || s.contains("{%") { return }
        switch argument.type {
        case .bool:
            let ok: Bool
            switch value {
            case .bool: ok = true
            case .int(let i): ok = i == 0 || i == 1
            case .string(let s): ok = ["yes", "no", "true", "false", "on", "off", "1", "0", "y", "n", "t", "f"].contains(s.lowercased())
            default: ok = false
            }
            guard ok else {
                throw InputError(.badArgument, "\(module): `\(argument.name)` must be a boolean (true/false, yes/no), got `\(value.text)`", at: location)
            }
        case .int:
            let ok: Bool
            switch value {
            case .int: ok = true
            case .string(let s): ok = Int(s) != nil
            case .double(let d): ok = d == d.rounded()
            default: ok = false
            }
            guard ok else {
                throw InputError(.badArgument, "\(module): `\(argument.name)` must be a whole number, got `\(value.text)`", at: location)
            }
        case .dict:
            guard case .dict = value else {
                throw InputError(.badArgument, "\(module): `\(argument.name)` must be a mapping", at: location)
            }
        case .string, .path, .list, .raw:
            break
        }
        if !argument.choices.isEmpty, case .string(let s) = value, !argument.choices.contains(s) {
            throw InputError(.badArgument, "\(module): `\(argument.name)` must be one of \(argument.choices.joined(separator: ", ")), got `\(s)`"
                + didYouMean(s, among: argument.choices), at: location)
        }
    }
}
