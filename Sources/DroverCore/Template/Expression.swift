/// A parsed Jinja2 expression with the template position of its first token.
struct Expression: Sendable {
    enum UnaryOperator: String, Sendable { case negate = "-", plus = "+", not }
    enum BinaryOperator: String, Sendable {
        case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
        case modulo = "%", power = "**", concat = "~"
    }
    enum CompareOperator: String, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
        case isIn = "in", notIn = "not in"
    }

    struct Comparison: Sendable {
        var op: CompareOperator
        var operand: Expression
    }

    struct Pair: Sendable {
        var key: Expression
        var value: Expression
    }

    struct Arguments: Sendable {
        var positional: [Expression] = []
        var named: [(name: String, value: Expression)] = []

        var isEmpty: Bool { positional.isEmpty && named.isEmpty }
        var depth: Int {
            max(positional.map(\.depth).max() ?? 0, named.map(\.value.depth).max() ?? 0)
        }
    }

    indirect enum Kind: Sendable {
        case literal(Value)
        case name(String)
        case list([Expression])
        case dict([Pair])
        case attribute(Expression, String)
        case item(Expression, Expression)
        case slice(Expression, start: Expression?, stop: Expression?, step: Expression?)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        case and(Expression, Expression)
        case or(Expression, Expression)
        case compare(Expression, [Comparison])
        case conditional(test: Expression, then: Expression, otherwise: Expression?)
        /// `input | name(args)`; input is nil inside `{% filter %}` blocks.
        case filter(Expression?, name: String, Arguments)
        case test(Expression, name: String, Arguments, negated: Bool)
        case call(Expression, Arguments)
    }

    var kind: Kind
    var line: Int
    var column: Int
    /// Nesting depth, bounded by the parser so evaluation cannot overflow the stack.
    var depth: Int

    init(_ kind: Kind, line: Int, column: Int) {
        self.kind = kind
        self.line = line
        self.column = column
        self.depth = 1 + Self.childDepth(kind)
    }

    init(_ kind: Kind, at token: TemplateToken) {
        self.init(kind, line: token.line, column: token.column)
    }

    init(_ kind: Kind, at other: Expression) {
        self.init(kind, line: other.line, column: other.column)
    }

    private static func childDepth(_ kind: Kind) -> Int {
        switch kind {
        case .literal, .name: return 0
        case .list(let items): return items.map(\.depth).max() ?? 0
        case .dict(let pairs): return pairs.map { max($0.key.depth, $0.value.depth) }.max() ?? 0
        case .attribute(let e, _): return e.depth
        case .item(let a, let b): return max(a.depth, b.depth)
        case .slice(let e, let a, let b, let c):
            return max(e.depth, a?.depth ?? 0, b?.depth ?? 0, c?.depth ?? 0)
        case .unary(_, let e): return e.depth
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): return max(a.depth, b.depth)
        case .compare(let e, let rest): return max(e.depth, rest.map(\.operand.depth).max() ?? 0)
        case .conditional(let t, let a, let b): return max(t.depth, a.depth, b?.depth ?? 0)
        case .filter(let e, _, let args): return max(e?.depth ?? 0, args.depth)
        case .test(let e, _, let args, _): return max(e.depth, args.depth)
        case .call(let e, let args): return max(e.depth, args.depth)
        }
    }
}
