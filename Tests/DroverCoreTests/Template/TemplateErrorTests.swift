import Testing

@testable import DroverCore

/// Errors name the file, line and column of the offending token and say what to do.
@Suite("Template error locations")
struct TemplateErrorTests {
    let scope = VariableScope(["name": .string("web1"), "port": .int(80)])

    func renderError(_ source: String, name: String = "site.j2", line: Int = 1, column: Int = 1) -> TemplateError? {
        do {
            let t = try Template(source: source, name: name, line: line, column: column)
            _ = try t.render(scope)
            return nil
        } catch {
            return error
        }
    }

    @Test("undefined variable: names it and points at its use")
    func undefinedVariable() throws {
        let e = try #require(renderError("server {{ name }}\n  listen {{ prot }};\n"))
        #expect(e.code == .undefinedVariable)
        #expect(e.location == SourceLocation(file: "site.j2", line: 2, column: 13))
        #expect(e.message.hasPrefix("'prot' is undefined"))
        #expect(e.message.contains("default("))
        #expect(e.description.hasPrefix("site.j2:2:13: 'prot' is undefined"))
    }

    @Test("undefined attribute points at the attribute access")
    func undefinedAttribute() throws {
        let scope = VariableScope(["cfg": .dict(["a": .int(1)])])
        let e = try #require(throws: TemplateError.self) {
            try Template(source: "x\n{{ cfg.a }} {{ cfg.b }}", name: "t.j2").render(scope)
        }
        #expect(e.code == .undefinedVariable)
        #expect(e.message.hasPrefix("'dict object' has no attribute 'b'"))
        #expect(e.location == SourceLocation(file: "t.j2", line: 2, column: 16))
    }

    @Test("unknown filter: did you mean, at the filter name, found at parse time")
    func unknownFilter() throws {
        let e = try #require(throws: TemplateError.self) {
            _ = try Template(source: "a\nb {{ name | uper }}", name: "motd.j2")
        }
        #expect(e.code == .unknownFilter)
        #expect(e.message.hasPrefix("no filter named 'uper' (did you mean 'upper'?)"))
        #expect(e.location == SourceLocation(file: "motd.j2", line: 2, column: 13))
    }

    @Test("unknown test: did you mean")
    func unknownTest() throws {
        let e = try #require(throws: TemplateError.self) {
            _ = try Template(source: "{{ name is defind }}", name: "t.j2")
        }
        #expect(e.code == .unknownTest)
        #expect(e.message.contains("did you mean 'defined'?"))
        #expect(e.location == SourceLocation(file: "t.j2", line: 1, column: 12))
    }

    @Test("unclosed '{{' points at the opening braces")
    func unclosedExpression() throws {
        let e = try #require(renderError("line one\n  value: {{ name \n"))
        #expect(e.code == .syntax)
        #expect(e.message.contains("'{{' is never closed: add '}}'"))
        #expect(e.location == SourceLocation(file: "site.j2", line: 2, column: 10))
    }

    @Test("bad token inside an expression")
    func badToken() throws {
        let e = try #require(renderError("ok\n{{ name ! port }}"))
        #expect(e.code == .syntax)
        #expect(e.message.hasPrefix("unexpected character '!'"))
        #expect(e.location == SourceLocation(file: "site.j2", line: 2, column: 9))
    }

    @Test("missing operator between values")
    func missingOperator() throws {
        let e = try #require(renderError("{{ name port }}"))
        #expect(e.code == .syntax)
        #expect(e.message.contains("unexpected 'port'"))
        #expect(e.location.column == 9)
    }

    @Test("unclosed block names the block and its line")
    func unclosedBlock() throws {
        let e = try #require(renderError("a\n{% if name %}\nb\n"))
        #expect(e.code == .syntax)
        #expect(e.message.contains("'{% if %}' opened on line 2 is never closed: add '{% endif %}'"))
    }

    @Test("mismatched end tag")
    func mismatchedEnd() throws {
        let e = try #require(renderError("{% for x in [1] %}{{ x }}{% endif %}"))
        #expect(e.code == .syntax)
        #expect(e.message.contains("'{% for %}' from line 1"))
        #expect(e.location == SourceLocation(file: "site.j2", line: 1, column: 29))
    }

    @Test("a template from a YAML value reports positions in the YAML file")
    func yamlBaseLocation() throws {
        // msg: "Hi {{ nme }}" at line 10, the string starting at column 12.
        let e = try #require(renderError("Hi {{ nme }}", name: "play.yml", line: 10, column: 12))
        #expect(e.location == SourceLocation(file: "play.yml", line: 10, column: 18))
        // A second line of a block scalar keeps its own column.
        let e2 = try #require(renderError("a\n  {{ nme }}", name: "play.yml", line: 10, column: 12))
        #expect(e2.location == SourceLocation(file: "play.yml", line: 11, column: 6))
    }

    @Test("bare expressions (when:) report the column inside the YAML value")
    func bareExpression() throws {
        let e = try #require(throws: TemplateError.self) {
            _ = try Template.evaluate(expression: "port > 1 and nmae == 'x'", name: "play.yml", line: 7, column: 13, context: scope)
        }
        #expect(e.code == .undefinedVariable)
        #expect(e.location == SourceLocation(file: "play.yml", line: 7, column: 26))
        let syntax = try #require(throws: TemplateError.self) {
            _ = try Template.evaluate(expression: "port >", name: "play.yml", line: 3, column: 9, context: scope)
        }
        #expect(syntax.code == .syntax)
    }

    @Test("messages say what to do")
    func actionable() throws {
        let cases: [(String, String)] = [
            ("{{ x | password_hash('sha512') }}", "precompute"),
            ("{{ lookup('file', 'nope.txt') }}", "could not locate file"),
            ("{% include 'missing.j2' %}", "ignore missing"),
            ("{{ 1 < 'a' }}", "not supported between"),
            ("{{ 'a' + 1 }}", "use '~'"),
            ("{{ range(10000000) }}", "too large"),
        ]
        let scope = VariableScope(["x": .string("pw")])
        for (source, hint) in cases {
            let e = try #require(throws: TemplateError.self) { try Template(source: source, name: "t").render(scope) }
            #expect(e.message.contains(hint), "\(source): \(e.message)")
        }
    }
}
