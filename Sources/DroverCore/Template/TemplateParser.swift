/// Builds template nodes from tokens: statements here, expressions in
/// `TemplateParser+Expressions.swift`.
struct TemplateParser {
    static let maxExpressionDepth = 64
    static let maxBlockDepth = 60

    let tokens: [TemplateToken]
    let map: SourceMap
    var index = 0
    /// Inside `{% if %}` bodies and `x if c else y` branches, unknown filters
    /// and tests are reported when reached (as Jinja2 does), not at parse time.
    var conditionalDepth = 0
    var blockDepth = 0
    /// Nesting of parentheses, brackets, calls and prefix operators while parsing.
    var recursion = 0
    /// Open blocks, innermost last, for error messages: (tag, line).
    var openBlocks: [(tag: String, line: Int)] = []

    init(tokens: [TemplateToken], map: SourceMap) {
        self.tokens = tokens
        self.map = map
    }

    static func parse(_ source: String, map: SourceMap) throws(TemplateError) -> [TemplateNode] {
        var parser = TemplateParser(tokens: try TemplateLexer.tokenize(source, map: map), map: map)
        let (nodes, end) = try parser.parseBody(until: [])
        if let end {
            throw parser.error("unexpected '{% \(end) %}': there is no open block for it to close", at: parser.previous)
        }
        return nodes
    }

    // MARK: Cursor

    var current: TemplateToken { tokens[index] }
    var previous: TemplateToken { tokens[max(0, index - 1)] }
    var peekNext: TemplateToken { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() -> TemplateToken {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func error(_ message: String, at token: TemplateToken, code: TemplateError.Code = .syntax) -> TemplateError {
        TemplateError(code, message, at: map.location(line: token.line, column: token.column))
    }

    /// What to say about a token found where an expression should end: a
    /// lone `=` is nearly always a comparison written as an assignment.
    func strayTokenHint(_ otherwise: String) -> String {
        isOp("=") ? "'=' assigns; to compare, write '=='" : otherwise
    }

    func isName(_ name: String, _ token: TemplateToken? = nil) -> Bool {
        if case .name(let n) = (token ?? current).kind { return n == name }
        return false
    }

    func isOp(_ op: String) -> Bool {
        if case .op(let o) = current.kind { return o == op }
        return false
    }

    mutating func skip(op: String) -> Bool {
        if isOp(op) { index += 1; return true }
        return false
    }

    mutating func skip(name: String) -> Bool {
        if isName(name) { index += 1; return true }
        return false
    }

    mutating func expect(op: String, _ context: String) throws(TemplateError) {
        guard skip(op: op) else {
            throw error("expected '\(op)' \(context), found \(current.display)", at: current)
        }
    }

    mutating func expectName(_ context: String) throws(TemplateError) -> String {
        guard case .name(let n) = current.kind else {
            throw error("expected a name \(context), found \(current.display)", at: current)
        }
        index += 1
        return n
    }

    mutating func expectBlockEnd(_ tag: String) throws(TemplateError) {
        guard case .blockEnd = current.kind else {
            throw error("unexpected \(current.display) in '{% \(tag) %}': expected '%}'", at: current)
        }
        index += 1
    }

    // MARK: Statements

    /// Parses nodes until a `{% name %}` with name in `ends` (returned, with
    /// the cursor after the name) or end of template (nil).
    mutating func parseBody(until ends: Set<String>) throws(TemplateError) -> ([TemplateNode], String?) {
        var nodes: [TemplateNode] = []
        while true {
            let t = current
            switch t.kind {
            case .eof:
                if let open = openBlocks.last {
                    let closer = ends.sorted().first { $0.hasPrefix("end") } ?? "end\(open.tag)"
                    throw error("'{% \(open.tag) %}' opened on line \(open.line) is never closed: add '{% \(closer) %}'", at: t)
                }
                return (nodes, nil)
            case .data(let s):
                index += 1
                nodes.append(TemplateNode(kind: .text(s), line: t.line, column: t.column))
            case .variableBegin:
                index += 1
                let e = try parseTuple(allowConditional: true)
                guard case .variableEnd = current.kind else {
                    throw error("unexpected \(current.display) in '{{ }}': expected '}}' (\(strayTokenHint("a missing operator or '|'?")))", at: current)
                }
                index += 1
                nodes.append(TemplateNode(kind: .output(e), line: t.line, column: t.column))
            case .blockBegin:
                index += 1
                let nameToken = current
                guard case .name(let tag) = nameToken.kind else {
                    throw error("expected a statement name after '{%', found \(nameToken.display)", at: nameToken)
                }
                if ends.contains(tag) {
                    index += 1
                    return (nodes, tag)
                }
                nodes.append(try parseStatement(tag, at: t))
            default:
                throw error("unexpected \(t.display)", at: t)
            }
        }
    }

    mutating func parseStatement(_ tag: String, at start: TemplateToken) throws(TemplateError) -> TemplateNode {
        let nameToken = current
        index += 1
        blockDepth += 1
        defer { blockDepth -= 1 }
        if blockDepth > Self.maxBlockDepth {
            throw error("blocks are nested more than \(Self.maxBlockDepth) deep: simplify the template",
                        at: nameToken, code: .limitExceeded)
        }
        let kind: TemplateNode.Kind
        switch tag {
        case "if": kind = try parseIf(start)
        case "for": kind = try parseFor(start)
        case "set": kind = try parseSet(start)
        case "include": kind = try parseInclude()
        case "filter": kind = try parseFilterBlock(start)
        case "with": kind = try parseWith(start)
        case "macro": kind = try parseMacro(start)
        default:
            let known = ["if", "elif", "else", "endif", "for", "endfor", "set", "endset", "include", "raw",
                         "filter", "endfilter", "with", "endwith", "macro", "endmacro"]
            if known.contains(tag) {
                let open = openBlocks.last.map { " (the open block is '{% \($0.tag) %}' from line \($0.line))" } ?? ""
                throw error("unexpected '{% \(tag) %}'\(open): check that blocks are closed in order", at: nameToken)
            }
            throw error("unknown statement '{% \(tag) %}': Drover supports if, for, set, include, filter, with, macro and raw",
                        at: nameToken)
        }
        return TemplateNode(kind: kind, line: start.line, column: start.column)
    }

    mutating func parseBlockBody(_ tag: String, line: Int, until ends: Set<String>) throws(TemplateError) -> ([TemplateNode], String) {
        openBlocks.append((tag, line))
        defer { openBlocks.removeLast() }
        let (body, end) = try parseBody(until: ends)
        guard let end else { throw error("'{% \(tag) %}' is never closed", at: current) }
        return (body, end)
    }

    mutating func parseIf(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        var branches: [TemplateNode.Branch] = []
        var otherwise: [TemplateNode] = []
        var condition = try parseTuple(allowConditional: true)
        try expectBlockEnd("if")
        conditionalDepth += 1
        defer { conditionalDepth -= 1 }
        while true {
            let (body, end) = try parseBlockBody("if", line: start.line, until: ["elif", "else", "endif"])
            branches.append(.init(condition: condition, body: body))
            switch end {
            case "elif":
                condition = try parseTuple(allowConditional: true)
                try expectBlockEnd("elif")
            case "else":
                try expectBlockEnd("else")
                (otherwise, _) = try parseBlockBody("if", line: start.line, until: ["endif"])
                try expectBlockEnd("endif")
                return .ifBlock(branches, otherwise: otherwise)
            default:
                try expectBlockEnd("endif")
                return .ifBlock(branches, otherwise: otherwise)
            }
        }
    }

    mutating func parseTargets(_ context: String) throws(TemplateError) -> [String] {
        var names: [String] = []
        let parenthesised = skip(op: "(")
        repeat {
            if parenthesised && isOp(")") { break }
            names.append(try expectName(context))
        } while skip(op: ",")
        if parenthesised { try expect(op: ")", context) }
        return names
    }

    mutating func parseFor(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        let targets = try parseTargets("after 'for' (the loop variable)")
        guard skip(name: "in") else {
            throw error("expected 'in' after the loop variable in '{% for %}', found \(current.display)", at: current)
        }
        let iterable = try parseTuple(allowConditional: false)
        var condition: Expression?
        if skip(name: "if") { condition = try parseExpression() }
        _ = skip(name: "recursive")
        try expectBlockEnd("for")
        let (body, end) = try parseBlockBody("for", line: start.line, until: ["else", "endfor"])
        var otherwise: [TemplateNode] = []
        if end == "else" {
            try expectBlockEnd("else")
            (otherwise, _) = try parseBlockBody("for", line: start.line, until: ["endfor"])
        }
        try expectBlockEnd("endfor")
        return .forLoop(.init(targets: targets, iterable: iterable, condition: condition, body: body, otherwise: otherwise))
    }

    mutating func parseSet(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        var targets: [TemplateNode.Target] = []
        repeat {
            let name = try expectName("after 'set'")
            if skip(op: ".") {
                targets.append(.attribute(name, try expectName("after '.' in '{% set %}'")))
            } else {
                targets.append(.name(name))
            }
        } while skip(op: ",")
        if skip(op: "=") {
            let value = try parseTuple(allowConditional: true)
            try expectBlockEnd("set")
            return .set(targets, value)
        }
        guard targets.count == 1 else {
            throw error("expected '=' in '{% set %}'", at: current)
        }
        var filters: [Expression] = []
        while skip(op: "|") { filters.append(try parseFilterCall(input: nil)) }
        try expectBlockEnd("set")
        let (body, _) = try parseBlockBody("set", line: start.line, until: ["endset"])
        try expectBlockEnd("endset")
        return .setBlock(targets[0], body: body, filters: filters)
    }

    mutating func parseInclude() throws(TemplateError) -> TemplateNode.Kind {
        let name = try parseExpression()
        var ignoreMissing = false
        if isName("ignore") && isName("missing", peekNext) {
            index += 2
            ignoreMissing = true
        }
        if (isName("with") || isName("without")) && isName("context", peekNext) { index += 2 }
        try expectBlockEnd("include")
        return .include(name, ignoreMissing: ignoreMissing)
    }

    mutating func parseFilterBlock(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        var filters = [try parseFilterCall(input: nil)]
        while skip(op: "|") { filters.append(try parseFilterCall(input: nil)) }
        try expectBlockEnd("filter")
        let (body, _) = try parseBlockBody("filter", line: start.line, until: ["endfilter"])
        try expectBlockEnd("endfilter")
        return .filterBlock(filters: filters, body: body)
    }

    mutating func parseWith(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        var assignments: [(String, Expression)] = []
        while case .name = current.kind {
            let name = try expectName("in '{% with %}'")
            try expect(op: "=", "after '\(name)' in '{% with %}'")
            assignments.append((name, try parseExpression()))
            if !skip(op: ",") { break }
        }
        try expectBlockEnd("with")
        let (body, _) = try parseBlockBody("with", line: start.line, until: ["endwith"])
        try expectBlockEnd("endwith")
        return .with(assignments: assignments, body: body)
    }

    mutating func parseMacro(_ start: TemplateToken) throws(TemplateError) -> TemplateNode.Kind {
        let name = try expectName("after 'macro'")
        try expect(op: "(", "after the macro name")
        var parameters: [String] = []
        var defaults: [String: Expression] = [:]
        while !isOp(")") {
            let p = try expectName("as a macro parameter")
            parameters.append(p)
            if skip(op: "=") { defaults[p] = try parseExpression() }
            if !skip(op: ",") { break }
        }
        try expect(op: ")", "to end the macro parameters")
        try expectBlockEnd("macro")
        let (body, _) = try parseBlockBody("macro", line: start.line, until: ["endmacro"])
        try expectBlockEnd("endmacro")
        return .macro(.init(name: name, parameters: parameters, defaults: defaults, body: body))
    }
}
