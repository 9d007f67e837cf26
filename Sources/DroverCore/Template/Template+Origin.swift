/// Templates read from a playbook's YAML values: errors point at the
/// faulty expression inside the value (`ValueOrigin`), not at the task.
extension Template {
    public init(source: String, origin: ValueOrigin) throws(TemplateError) {
        try self.init(source: source, map: SourceMap(origin: origin))
    }

    /// A bare expression (`when:`, `changed_when:`, `that:`…) read from `origin`.
    public static func evaluate(expression: String, origin: ValueOrigin, context: any TemplateContext) throws(TemplateError) -> Value {
        try evaluate(expression: expression, map: SourceMap(origin: origin), context: context)
    }

    public static func evaluateCondition(_ expression: String, origin: ValueOrigin, context: any TemplateContext) throws(TemplateError) -> Bool {
        try evaluate(expression: expression, origin: origin, context: context).pythonTruthy
    }

    /// Checks that a bare expression parses, without evaluating it.
    public static func checkExpression(_ expression: String, origin: ValueOrigin) throws(TemplateError) {
        _ = try TemplateParser.parseExpression(expression, map: SourceMap(origin: origin))
    }

    /// Renders every string inside a value; each string's errors point
    /// into it through `origin` (the matching part of it), else at `fallback`.
    public static func renderValue(_ value: Value, origin: ValueOrigin?, at fallback: SourceLocation,
                                   context: any TemplateContext) throws(TemplateError) -> Value {
        guard value.containsTemplate else { return value }
        let map = origin.map(SourceMap.init(origin:))
            ?? SourceMap(name: fallback.file, baseLine: fallback.line, baseColumn: fallback.column)
        let evaluator = Evaluator(context: context, map: map)
        return try evaluator.templateValue(value, origin: origin, fallback: map)
    }
}

extension Evaluator {
    /// `templateValue(_:map:)`, with each string's own origin where known.
    func templateValue(_ raw: Value, origin: ValueOrigin?, fallback: SourceMap) throws(TemplateError) -> Value {
        guard let origin else { return try templateValue(raw, map: fallback) }
        switch raw {
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                out.append(try templateValue(item, origin: origin.item(index), fallback: fallback))
            }
            return .list(out)
        case .dict(let d):
            var out = d
            for (k, v) in d { out[k] = try templateValue(v, origin: origin[k], fallback: fallback) }
            return .dict(out)
        default:
            return try templateValue(raw, map: SourceMap(origin: origin))
        }
    }
}
