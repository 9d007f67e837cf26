/// A parsed Jinja2 template (Ansible flavour). Parse once, render many times,
/// from any thread.
///
///     let t = try Template(source: "Hello {{ name | upper }}", name: "motd.j2")
///     let text = try t.render(VariableScope(["name": .string("web1")]))
public struct Template: Sendable {
    public let name: String
    let nodes: [TemplateNode]
    let map: SourceMap

    /// Parses `source`. `name` is the file errors point at; `line` and
    /// `column` are where the source starts in that file (for a template
    /// that is a YAML value, pass the value's position).
    public init(source: String, name: String, line: Int = 1, column: Int = 1) throws(TemplateError) {
        try self.init(source: source, map: SourceMap(name: name, baseLine: line, baseColumn: column))
    }

    init(source: String, map: SourceMap) throws(TemplateError) {
        self.name = map.name
        self.map = map
        self.nodes = try TemplateParser.parse(source, map: map)
    }

    /// Renders to text. `None` renders as an empty string, as in Ansible.
    public func render(_ context: any TemplateContext) throws(TemplateError) -> String {
        let evaluator = Evaluator(context: context, map: map)
        var out = ""
        try evaluator.render(nodes, into: &out)
        return out
    }

    /// Renders to a value: the native value when the template is exactly one
    /// `{{ expression }}` (so "{{ [1, 2] }}" is a list), a string otherwise.
    public func renderValue(_ context: any TemplateContext) throws(TemplateError) -> Value {
        let evaluator = Evaluator(context: context, map: map)
        return try evaluator.nativeValue(of: nodes)
    }

    /// True when `text` contains `{{`, `{%` or `{#`, i.e. needs rendering.
    public static func containsTemplate(_ text: String) -> Bool {
        var previousBrace = false
        for b in text.utf8 {
            if previousBrace && (b == 123 || b == 37 || b == 35) { return true }
            previousBrace = b == 123
        }
        return false
    }

    /// Evaluates a bare expression, as written in `when:`, `that:`,
    /// `changed_when:` or `failed_when:` (no `{{ }}`).
    public static func evaluate(expression: String, name: String, line: Int = 1, column: Int = 1,
                                context: any TemplateContext) throws(TemplateError) -> Value {
        try evaluate(expression: expression, map: SourceMap(name: name, baseLine: line, baseColumn: column), context: context)
    }

    static func evaluate(expression: String, map: SourceMap, context: any TemplateContext) throws(TemplateError) -> Value {
        let expr = try TemplateParser.parseExpression(expression, map: map)
        let evaluator = Evaluator(context: context, map: map)
        switch try evaluator.eval(expr) {
        case .value(let v): return v
        case .undefined(let u):
            if u.silent { return .null }
            throw u.error
        }
    }

    /// A `when:` condition: the expression's Python truthiness (so the
    /// string "false" is true; write `var | bool` for string flags).
    public static func evaluateCondition(_ expression: String, name: String, line: Int = 1, column: Int = 1,
                                         context: any TemplateContext) throws(TemplateError) -> Bool {
        try evaluate(expression: expression, name: name, line: line, column: column, context: context).pythonTruthy
    }

    /// Renders a string from a playbook: unchanged when it has no template
    /// markers, the native value when it is one `{{ expression }}`, text otherwise.
    public static func renderValue(_ text: String, name: String, line: Int = 1, column: Int = 1,
                                   context: any TemplateContext) throws(TemplateError) -> Value {
        guard containsTemplate(text) else { return .string(text) }
        return try Template(source: text, name: name, line: line, column: column).renderValue(context)
    }

    /// Renders every string inside a value (lists and dicts recursively).
    public static func renderValue(_ value: Value, name: String, line: Int = 1, column: Int = 1,
                                   context: any TemplateContext) throws(TemplateError) -> Value {
        guard value.containsTemplate else { return value }
        let evaluator = Evaluator(context: context, map: SourceMap(name: name, baseLine: line, baseColumn: column))
        return try evaluator.templateValue(value, map: SourceMap(name: name, baseLine: line, baseColumn: column))
    }
}

extension TemplateParser {
    /// A bare expression (the whole text must be one expression).
    static func parseExpression(_ text: String, map: SourceMap) throws(TemplateError) -> Expression {
        // Lex it as the inside of a `{{ }}` tag.
        var tokens = try TemplateLexer.tokenize("{{" + text + "\n}}", map: map)
        // Shift columns on the first line back by the two characters of "{{".
        for i in tokens.indices where tokens[i].line == 1 { tokens[i].column -= 2 }
        var parser = TemplateParser(tokens: tokens, map: map)
        guard case .variableBegin = parser.current.kind else {
            throw TemplateError(.syntax, "empty expression: write a condition such as 'x is defined'", at: map.location(line: 1, column: 1))
        }
        parser.index += 1
        if case .variableEnd = parser.current.kind {
            throw TemplateError(.syntax, "empty expression: write a condition such as 'x is defined'", at: map.location(line: 1, column: 1))
        }
        let e = try parser.parseTuple(allowConditional: true)
        guard case .variableEnd = parser.current.kind else {
            throw parser.error("unexpected \(parser.current.display) after the expression: \(parser.strayTokenHint("is an operator or 'and'/'or' missing?"))", at: parser.current)
        }
        parser.index += 1
        guard case .eof = parser.current.kind else {
            throw parser.error("unexpected text after the expression", at: parser.current)
        }
        return e
    }
}
