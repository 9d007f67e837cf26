/// A parsed template statement, with the template position of its tag.
struct TemplateNode: Sendable {
    /// Where `{% set %}` and `{% for %}` store a value.
    enum Target: Sendable {
        case name(String)
        /// `ns.attr`, for `namespace()` objects.
        case attribute(String, String)
    }

    struct Branch: Sendable {
        var condition: Expression
        var body: [TemplateNode]
    }

    struct ForLoop: Sendable {
        var targets: [String]
        var iterable: Expression
        var condition: Expression?
        var body: [TemplateNode]
        var otherwise: [TemplateNode]
    }

    struct Macro: Sendable {
        var name: String
        var parameters: [String]
        var defaults: [String: Expression]
        var body: [TemplateNode]
    }

    indirect enum Kind: Sendable {
        case text(String)
        case output(Expression)
        case ifBlock([Branch], otherwise: [TemplateNode])
        case forLoop(ForLoop)
        case set([Target], Expression)
        case setBlock(Target, body: [TemplateNode], filters: [Expression])
        case filterBlock(filters: [Expression], body: [TemplateNode])
        case with(assignments: [(String, Expression)], body: [TemplateNode])
        case include(Expression, ignoreMissing: Bool)
        case macro(Macro)
    }

    var kind: Kind
    var line: Int
    var column: Int
}
