/// Jinja2's expression grammar, lowest precedence first:
/// conditional, or, and, not, comparisons, `+ -`, `~`, `* / // %`, `**`,
/// unary minus, then primary with `.attr`, `[key]`, calls, `| filter`, `is test`.
extension TemplateParser {
    mutating func checked(_ e: Expression) throws(TemplateError) -> Expression {
        if e.depth > Self.maxExpressionDepth {
            throw TemplateError(.limitExceeded,
                                "expression nested more than \(Self.maxExpressionDepth) levels deep: split it with '{% set %}'",
                                at: map.location(line: e.line, column: e.column))
        }
        return e
    }

    /// An expression, or a comma-separated tuple of them (a list in Drover).
    mutating func parseTuple(allowConditional: Bool) throws(TemplateError) -> Expression {
        let start = current
        let first = allowConditional ? try parseExpression() : try parseOr()
        guard isOp(",") else { return first }
        var items = [first]
        while skip(op: ",") {
            if case .variableEnd = current.kind { break }
            if case .blockEnd = current.kind { break }
            if isOp(")") { break }
            items.append(allowConditional ? try parseExpression() : try parseOr())
        }
        return try checked(Expression(.list(items), at: start))
    }

    /// Bounds parser recursion before any node exists to measure.
    mutating func enter() throws(TemplateError) {
        recursion += 1
        if recursion > Self.maxExpressionDepth {
            throw TemplateError(.limitExceeded,
                                "expression nested more than \(Self.maxExpressionDepth) levels deep: split it with '{% set %}'",
                                at: map.location(line: current.line, column: current.column))
        }
    }

    mutating func parseExpression() throws(TemplateError) -> Expression {
        let start = current
        var e = try parseOr()
        while skip(name: "if") {
            conditionalDepth += 1
            defer { conditionalDepth -= 1 }
            let test = try parseOr()
            var otherwise: Expression?
            if skip(name: "else") {
                try enter()
                defer { recursion -= 1 }
                otherwise = try parseExpression()
            }
            e = try checked(Expression(.conditional(test: test, then: e, otherwise: otherwise), at: start))
        }
        return e
    }

    mutating func parseOr() throws(TemplateError) -> Expression {
        var e = try parseAnd()
        while skip(name: "or") { e = try checked(Expression(.or(e, try parseAnd()), at: e)) }
        return e
    }

    mutating func parseAnd() throws(TemplateError) -> Expression {
        var e = try parseNot()
        while skip(name: "and") { e = try checked(Expression(.and(e, try parseNot()), at: e)) }
        return e
    }

    mutating func parseNot() throws(TemplateError) -> Expression {
        let t = current
        if skip(name: "not") {
            try enter()
            defer { recursion -= 1 }
            return try checked(Expression(.unary(.not, try parseNot()), at: t))
        }
        return try parseCompare()
    }

    mutating func parseCompare() throws(TemplateError) -> Expression {
        let e = try parseMath1()
        var rest: [Expression.Comparison] = []
        while true {
            var op: Expression.CompareOperator?
            if case .op(let o) = current.kind { op = Expression.CompareOperator(rawValue: o) }
            if op != nil {
                index += 1
            } else if isName("in") {
                index += 1
                op = .isIn
            } else if isName("not") && isName("in", peekNext) {
                index += 2
                op = .notIn
            }
            guard let op else { break }
            rest.append(.init(op: op, operand: try parseMath1()))
        }
        return rest.isEmpty ? e : try checked(Expression(.compare(e, rest), at: e))
    }

    mutating func parseMath1() throws(TemplateError) -> Expression {
        var e = try parseConcat()
        while isOp("+") || isOp("-") {
            let op: Expression.BinaryOperator = isOp("+") ? .add : .subtract
            index += 1
            e = try checked(Expression(.binary(op, e, try parseConcat()), at: e))
        }
        return e
    }

    mutating func parseConcat() throws(TemplateError) -> Expression {
        var e = try parseMath2()
        while skip(op: "~") { e = try checked(Expression(.binary(.concat, e, try parseMath2()), at: e)) }
        return e
    }

    mutating func parseMath2() throws(TemplateError) -> Expression {
        var e = try parsePow()
        while true {
            let op: Expression.BinaryOperator
            if isOp("*") { op = .multiply } else if isOp("/") { op = .divide }
            else if isOp("//") { op = .floorDivide } else if isOp("%") { op = .modulo } else { break }
            index += 1
            e = try checked(Expression(.binary(op, e, try parsePow()), at: e))
        }
        return e
    }

    mutating func parsePow() throws(TemplateError) -> Expression {
        var e = try parseUnary(withFilter: true)
        while skip(op: "**") { e = try checked(Expression(.binary(.power, e, try parseUnary(withFilter: true)), at: e)) }
        return e
    }

    mutating func parseUnary(withFilter: Bool) throws(TemplateError) -> Expression {
        let t = current
        var e: Expression
        if isOp("-") || isOp("+") { try enter() }
        defer { if case .op(let o) = t.kind, o == "-" || o == "+" { recursion -= 1 } }
        if skip(op: "-") {
            e = try checked(Expression(.unary(.negate, try parseUnary(withFilter: false)), at: t))
        } else if skip(op: "+") {
            e = try checked(Expression(.unary(.plus, try parseUnary(withFilter: false)), at: t))
        } else {
            e = try parsePrimary()
        }
        e = try parsePostfix(e)
        if withFilter { e = try parseFilterExpression(e) }
        return e
    }

    mutating func parsePrimary() throws(TemplateError) -> Expression {
        let t = current
        if isOp("(") || isOp("[") || isOp("{") { try enter() }
        defer { if case .op(let o) = t.kind, o == "(" || o == "[" || o == "{" { recursion -= 1 } }
        switch t.kind {
        case .name(let n):
            index += 1
            switch n {
            case "true", "True": return Expression(.literal(.bool(true)), at: t)
            case "false", "False": return Expression(.literal(.bool(false)), at: t)
            case "none", "None": return Expression(.literal(.null), at: t)
            default: return Expression(.name(n), at: t)
            }
        case .string(var s):
            index += 1
            while case .string(let more) = current.kind {
                s += more
                index += 1
            }
            return Expression(.literal(.string(s)), at: t)
        case .integer(let i):
            index += 1
            return Expression(.literal(.int(i)), at: t)
        case .float(let d):
            index += 1
            return Expression(.literal(.double(d)), at: t)
        case .op("("):
            index += 1
            if skip(op: ")") { return Expression(.list([]), at: t) }
            let e = try parseTuple(allowConditional: true)
            try expect(op: ")", "to close the '(' on line \(t.line) column \(t.column)")
            return e
        case .op("["):
            index += 1
            var items: [Expression] = []
            while !isOp("]") {
                items.append(try parseExpression())
                if !skip(op: ",") { break }
            }
            try expect(op: "]", "to close the list opened on line \(t.line) column \(t.column)")
            return try checked(Expression(.list(items), at: t))
        case .op("{"):
            index += 1
            var pairs: [Expression.Pair] = []
            while !isOp("}") {
                let key = try parseExpression()
                try expect(op: ":", "between a dict key and its value")
                pairs.append(.init(key: key, value: try parseExpression()))
                if !skip(op: ",") { break }
            }
            try expect(op: "}", "to close the dict opened on line \(t.line) column \(t.column)")
            return try checked(Expression(.dict(pairs), at: t))
        case .variableEnd, .blockEnd, .eof:
            throw error("expected an expression, found \(t.display)", at: t)
        default:
            throw error("unexpected \(t.display): expected a value, a variable name or '('", at: t)
        }
    }

    mutating func parsePostfix(_ start: Expression) throws(TemplateError) -> Expression {
        var e = start
        while true {
            let t = current
            if skip(op: ".") {
                switch current.kind {
                case .name(let n):
                    index += 1
                    e = try checked(Expression(.attribute(e, n), at: e))
                case .integer(let i):
                    index += 1
                    e = try checked(Expression(.item(e, Expression(.literal(.int(i)), at: t)), at: e))
                default:
                    throw error("expected an attribute name after '.', found \(current.display)", at: current)
                }
            } else if skip(op: "[") {
                e = try parseSubscript(e, open: t)
            } else if isOp("(") {
                e = try checked(Expression(.call(e, try parseCallArguments()), at: e))
            } else {
                return e
            }
        }
    }

    mutating func parseSubscript(_ target: Expression, open: TemplateToken) throws(TemplateError) -> Expression {
        try enter()
        defer { recursion -= 1 }
        func bound(_ p: inout TemplateParser) throws(TemplateError) -> Expression? {
            (p.isOp(":") || p.isOp("]")) ? nil : try p.parseExpression()
        }
        let start = try bound(&self)
        var result: Expression
        if skip(op: ":") {
            let stop = try bound(&self)
            var step: Expression?
            if skip(op: ":") { step = try bound(&self) }
            result = Expression(.slice(target, start: start, stop: stop, step: step), at: target)
        } else {
            guard let start else { throw error("expected an index or key inside '[]'", at: current) }
            result = Expression(.item(target, start), at: target)
        }
        try expect(op: "]", "to close the '[' on line \(open.line) column \(open.column)")
        return try checked(result)
    }

    mutating func parseCallArguments() throws(TemplateError) -> Expression.Arguments {
        let open = current
        try enter()
        defer { recursion -= 1 }
        try expect(op: "(", "")
        var args = Expression.Arguments()
        while !isOp(")") {
            if case .name(let n) = current.kind, case .op("=") = peekNext.kind {
                index += 2
                args.named.append((n, try parseExpression()))
            } else {
                if !args.named.isEmpty {
                    throw error("positional argument after a keyword argument", at: current)
                }
                args.positional.append(try parseExpression())
            }
            if !skip(op: ",") { break }
        }
        try expect(op: ")", "to close the arguments opened on line \(open.line) column \(open.column)")
        return args
    }

    /// A (possibly dotted) filter or test name; `ansible.builtin.` prefixes are dropped.
    mutating func parsePluginName(_ what: String) throws(TemplateError) -> String {
        var name = try expectName("after \(what)")
        while isOp("."), case .name(let more) = peekNext.kind {
            index += 2
            name += "." + more
        }
        for prefix in ["ansible.builtin.", "ansible.legacy."] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        return name
    }

    mutating func parseFilterExpression(_ start: Expression) throws(TemplateError) -> Expression {
        var e = start
        while true {
            if skip(op: "|") {
                e = try parseFilterCall(input: e)
            } else if isName("is") {
                e = try parseTest(e)
            } else if isOp("(") {
                e = try checked(Expression(.call(e, try parseCallArguments()), at: e))
            } else {
                return e
            }
        }
    }

    mutating func parseFilterCall(input: Expression?) throws(TemplateError) -> Expression {
        let t = current
        let name = try parsePluginName("'|'")
        if conditionalDepth == 0 && Evaluator.filters[name] == nil {
            throw Evaluator.unknownFilter(name, at: map.location(line: t.line, column: t.column))
        }
        let args = isOp("(") ? try parseCallArguments() : Expression.Arguments()
        let located = input.map { Expression(.filter($0, name: name, args), at: $0) }
            ?? Expression(.filter(nil, name: name, args), at: t)
        return try checked(located)
    }

    mutating func parseTest(_ input: Expression) throws(TemplateError) -> Expression {
        index += 1  // 'is'
        let negated = skip(name: "not")
        let t = current
        let name = try parsePluginName("'is'")
        if conditionalDepth == 0 && Evaluator.tests[name] == nil {
            throw Evaluator.unknownTest(name, at: map.location(line: t.line, column: t.column))
        }
        var args = Expression.Arguments()
        if isOp("(") {
            args = try parseCallArguments()
        } else if startsBareTestArgument() {
            args.positional = [try parsePostfix(try parsePrimary())]
        }
        return try checked(Expression(.test(input, name: name, args, negated: negated), at: input))
    }

    /// `x is divisibleby 3`: a single argument without parentheses.
    func startsBareTestArgument() -> Bool {
        switch current.kind {
        case .name(let n): return !["else", "or", "and", "if", "is", "in", "not"].contains(n)
        case .string, .integer, .float: return true
        case .op(let o): return o == "[" || o == "{"
        default: return false
        }
    }
}
