/// The variables a template reads from its context, for `drover check`.
extension Template {
    /// A variable read by a template (or expression) that it does not set
    /// itself, and that no `default` filter or `is defined` test guards.
    public struct FreeName: Sendable, Equatable {
        public var name: String
        public var location: SourceLocation
    }

    /// The unguarded free names of this template.
    public var freeNames: [FreeName] {
        var collector = NameCollector(map: map)
        collector.collectGuards(nodes)
        collector.walk(nodes)
        return collector.found
    }

    /// The unguarded free names of a bare expression (`when:`, `that:`).
    public static func freeNames(inExpression text: String, name: String, line: Int = 1, column: Int = 1) throws(TemplateError) -> [FreeName] {
        let map = SourceMap(name: name, baseLine: line, baseColumn: column)
        let expression = try TemplateParser.parseExpression(text, map: map)
        var collector = NameCollector(map: map)
        collector.collectGuards(expression)
        collector.walk(expression)
        return collector.found
    }
}

/// Walks templates and expressions, tracking names bound by `set`, `for`,
/// `with` and macros, and the names that guards make safe.
struct NameCollector {
    let map: SourceMap
    var bound: [Set<String>] = [["loop", "super", "caller", "varargs", "kwargs", "self", "true", "false", "none", "True", "False", "None"]]
    var guarded: Set<String> = []
    var found: [Template.FreeName] = []

    static func root(_ e: Expression) -> String? {
        switch e.kind {
        case .name(let n): return n
        case .attribute(let base, _), .item(let base, _), .slice(let base, _, _, _): return root(base)
        default: return nil
        }
    }

    mutating func collectGuards(_ nodes: [TemplateNode]) {
        for node in nodes { visit(node) { collector, e in collector.collectGuards(e) } }
    }

    mutating func collectGuards(_ e: Expression) {
        switch e.kind {
        case .filter(let input?, let name, _) where name == "default" || name == "d":
            if let r = Self.root(input) { guarded.insert(r) }
        case .test(let input, let name, _, _) where ["defined", "undefined", "none"].contains(name):
            if let r = Self.root(input) { guarded.insert(r) }
        default: break
        }
        children(e).forEach { collectGuards($0) }
    }

    mutating func walk(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node.kind {
            case .set(let targets, let value):
                walk(value)
                for case .name(let n) in targets { bound[bound.count - 1].insert(n) }
            case .setBlock(let target, let body, let filters):
                walk(body)
                filters.forEach { walk($0) }
                if case .name(let n) = target { bound[bound.count - 1].insert(n) }
            case .forLoop(let loop):
                walk(loop.iterable)
                bound.append(Set(loop.targets))
                if let condition = loop.condition { walk(condition) }
                walk(loop.body)
                bound.removeLast()
                walk(loop.otherwise)
            case .with(let assignments, let body):
                assignments.forEach { walk($0.1) }
                bound.append(Set(assignments.map(\.0)))
                walk(body)
                bound.removeLast()
            case .macro(let macro):
                bound[bound.count - 1].insert(macro.name)
                bound.append(Set(macro.parameters))
                macro.defaults.values.forEach { walk($0) }
                walk(macro.body)
                bound.removeLast()
            default:
                visit(node) { collector, e in collector.walk(e) }
            }
        }
    }

    mutating func walk(_ e: Expression) {
        if case .name(let n) = e.kind {
            if !bound.contains(where: { $0.contains(n) }) && !guarded.contains(n) && Evaluator.globals[n] == nil
                && !found.contains(where: { $0.name == n }) {
                found.append(Template.FreeName(name: n, location: map.location(line: e.line, column: e.column)))
            }
            return
        }
        children(e).forEach { walk($0) }
    }

    /// Calls `body` on the expressions directly inside a node, and recurses into its child nodes.
    mutating func visit(_ node: TemplateNode, _ body: (inout NameCollector, Expression) -> Void) {
        switch node.kind {
        case .text: break
        case .output(let e): body(&self, e)
        case .ifBlock(let branches, let otherwise):
            for branch in branches {
                body(&self, branch.condition)
                for child in branch.body { visit(child, body) }
            }
            for child in otherwise { visit(child, body) }
        case .forLoop(let loop):
            body(&self, loop.iterable)
            if let c = loop.condition { body(&self, c) }
            for child in loop.body + loop.otherwise { visit(child, body) }
        case .set(_, let e): body(&self, e)
        case .setBlock(_, let children, let filters):
            filters.forEach { body(&self, $0) }
            for child in children { visit(child, body) }
        case .filterBlock(let filters, let children):
            filters.forEach { body(&self, $0) }
            for child in children { visit(child, body) }
        case .with(let assignments, let children):
            assignments.forEach { body(&self, $0.1) }
            for child in children { visit(child, body) }
        case .include(let e, _): body(&self, e)
        case .macro(let macro):
            macro.defaults.values.forEach { body(&self, $0) }
            for child in macro.body { visit(child, body) }
        }
    }

    func children(_ e: Expression) -> [Expression] {
        switch e.kind {
        case .literal, .name: return []
        case .list(let items): return items
        case .dict(let pairs): return pairs.flatMap { [$0.key, $0.value] }
        case .attribute(let base, _): return [base]
        case .item(let a, let b): return [a, b]
        case .slice(let base, let a, let b, let c): return [base] + [a, b, c].compactMap { $0 }
        case .unary(_, let x): return [x]
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): return [a, b]
        case .compare(let x, let rest): return [x] + rest.map(\.operand)
        case .conditional(let t, let a, let b): return [t, a] + (b.map { [$0] } ?? [])
        case .filter(let input, _, let args): return (input.map { [$0] } ?? []) + args.positional + args.named.map(\.value)
        case .test(let input, _, let args, _): return [input] + args.positional + args.named.map(\.value)
        case .call(let callee, let args): return [callee] + args.positional + args.named.map(\.value)
        }
    }
}
