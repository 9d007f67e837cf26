/// Serialisation filters: JSON and YAML in and out.
extension Evaluator {
    static let dataFilters: [String: FilterFunction] = [
        "to_json": { _, call throws(TemplateError) in
            let p = try call.bind(["indent", "sort_keys", "ensure_ascii", "separators", "vault_to_text", "preprocess_unsafe"])
            var o = JSONText.Options()
            o.indent = try p.int("indent")
            o.sortKeys = try p.bool("sort_keys", default: false)
            o.ensureASCII = try p.bool("ensure_ascii", default: true)
            if case .list(let seps)? = try p.value("separators"), seps.count == 2 {
                o.itemSeparator = seps[0].pythonString
                o.keySeparator = seps[1].pythonString
            }
            return .string(JSONText.encode(try call.value(), o))
        },
        "to_nice_json": { _, call throws(TemplateError) in
            let p = try call.bind(["indent", "sort_keys", "ensure_ascii", "vault_to_text", "preprocess_unsafe"])
            var o = JSONText.Options()
            o.indent = try p.int("indent", default: 4)
            o.sortKeys = try p.bool("sort_keys", default: true)
            o.ensureASCII = try p.bool("ensure_ascii", default: true)
            o.itemSeparator = ","
            return .string(JSONText.encode(try call.value(), o))
        },
        "tojson": { _, call throws(TemplateError) in
            let p = try call.bind(["indent"])
            var o = JSONText.Options()
            o.indent = try p.int("indent")
            o.sortKeys = true
            o.htmlSafe = true
            return .string(JSONText.encode(try call.value(), o))
        },
        "from_json": { _, call throws(TemplateError) in
            _ = try call.bind(["profile"])
            let v = try call.value()
            guard case .string(let s) = v else { throw call.fail(.typeError, "from_json needs a string, not \(v.pythonTypeName)") }
            do throws(JSONText.ParseError) {
                return try JSONText.parse(s)
            } catch {
                throw call.fail(.valueError, "\(error.message) (at character \(error.offset + 1)): the input is not valid JSON")
            }
        },
        "to_yaml": { _, call throws(TemplateError) in
            let p = try call.bind(["indent", "default_flow_style", "sort_keys", "width", "allow_unicode"])
            let flow = try p.value("default_flow_style").map { $0 == .null } ?? true
            return .string(YAMLEmitter.dump(try call.value(), indent: try p.int("indent", default: 2), flow: flow))
        },
        "to_nice_yaml": { _, call throws(TemplateError) in
            let p = try call.bind(["indent", "sort_keys", "width", "allow_unicode"])
            return .string(YAMLEmitter.dump(try call.value(), indent: try p.int("indent", default: 4), flow: false))
        },
        "from_yaml": { _, call throws(TemplateError) in
            _ = try call.bind([])
            let v = try call.value()
            guard case .string(let s) = v else { return v }
            do {
                guard let root = try YAML.compose(s, file: "<from_yaml>") else { return .null }
                return try YAML.value(root, file: "<from_yaml>")
            } catch let error as InputError {
                let line = error.location.map { " (line \($0.line) of the YAML text)" } ?? ""
                throw call.fail(.valueError, error.message + line)
            } catch {
                throw call.fail(.valueError, "from_yaml could not read the text: \(error)")
            }
        },
    ]
}
