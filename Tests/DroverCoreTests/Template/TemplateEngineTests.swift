import Foundation
import OrderedCollections
import Testing

@testable import DroverCore

@Suite("Template engine API")
struct TemplateEngineTests {
    func render(_ source: String, _ vars: OrderedDictionary<String, Value> = [:], checkMode: Bool = false) throws -> String {
        try Template(source: source, name: "t").render(VariableScope(vars, checkMode: checkMode))
    }

    @Test("renderValue keeps native types for a single expression")
    func nativeValues() throws {
        let scope = VariableScope(["n": .int(2), "l": .list([.string("a")])])
        #expect(try Template.renderValue("{{ [1, 2] }}", name: "p", context: scope) == .list([.int(1), .int(2)]))
        #expect(try Template.renderValue("{{ n * 2 }}", name: "p", context: scope) == .int(4))
        #expect(try Template.renderValue("{{ {'a': n} }}", name: "p", context: scope) == .dict(["a": .int(2)]))
        #expect(try Template.renderValue("{{ none }}", name: "p", context: scope) == .null)
        #expect(try Template.renderValue("{{ l }}", name: "p", context: scope) == .list([.string("a")]))
        #expect(try Template.renderValue("n={{ n }}", name: "p", context: scope) == .string("n=2"))
        #expect(try Template.renderValue(" {{ n }}", name: "p", context: scope) == .string(" 2"))
        #expect(try Template.renderValue("{{ n }}{{ n }}", name: "p", context: scope) == .string("22"))
        #expect(try Template.renderValue("plain", name: "p", context: scope) == .string("plain"))
        let nested = Value.dict(["a": .list([.string("{{ n + 1 }}"), .string("x")])])
        #expect(try Template.renderValue(nested, name: "p", context: scope) == .dict(["a": .list([.int(3), .string("x")])]))
    }

    @Test("containsTemplate")
    func containsTemplate() {
        #expect(Template.containsTemplate("a {{ b }}"))
        #expect(Template.containsTemplate("{% if x %}"))
        #expect(Template.containsTemplate("{# c #}"))
        #expect(!Template.containsTemplate("a { b } %} #}"))
        #expect(!Template.containsTemplate(""))
    }

    @Test("bare expressions and conditions")
    func expressions() throws {
        let scope = VariableScope(["flag": .string("false"), "n": .int(3)])
        #expect(try Template.evaluate(expression: "n + 1", name: "p", context: scope) == .int(4))
        #expect(try Template.evaluate(expression: "n > 2 and 'x'", name: "p", context: scope) == .string("x"))
        // Jinja2 truthiness: a non-empty string is true, even "false"…
        #expect(try Template.evaluateCondition("flag", name: "p", context: scope))
        // …so string flags need `| bool`.
        #expect(try !Template.evaluateCondition("flag | bool", name: "p", context: scope))
        #expect(try Template.evaluateCondition("missing is not defined", name: "p", context: scope))
        #expect(throws: TemplateError.self) { try Template.evaluate(expression: "", name: "p", context: scope) }
        #expect(throws: TemplateError.self) { try Template.evaluate(expression: "n }} {{ n", name: "p", context: scope) }
    }

    @Test("variables holding templates are rendered lazily, in the context")
    func lazyVariables() throws {
        let vars: OrderedDictionary<String, Value> = [
            "base": .int(40),
            "answer": .string("{{ base + 2 }}"),
            "greeting": .string("hello {{ who }}"),
            "who": .string("{{ 'world' | upper }}"),
            "items": .list([.string("{{ base }}"), .string("x")]),
        ]
        #expect(try render("{{ answer }} {{ greeting }} {{ items }}", vars) == "42 hello WORLD [40, 'x']")
        #expect(try render("{{ answer + 1 }}", vars) == "43")
        #expect(try Template.renderValue("{{ answer }}", name: "p", context: VariableScope(vars)) == .int(42))
    }

    @Test("a variable that refers back to itself is a clear error")
    func recursiveVariables() throws {
        let vars: OrderedDictionary<String, Value> = ["x": .string("{{ y }}"), "y": .string("a{{ x }}"), "z": .string("{{ z }}")]
        let e = try #require(throws: TemplateError.self) { try render("{{ x }}", vars) }
        #expect(e.code == .recursiveLoop)
        #expect(e.message.hasPrefix("recursive loop detected in template: x -> y -> x"))
        let e2 = try #require(throws: TemplateError.self) { try render("{{ z }}", vars) }
        #expect(e2.message.hasPrefix("recursive loop detected in template: z -> z"))
    }

    @Test("an error inside a variable's value points at where the variable was defined")
    func lazyErrorLocation() throws {
        let scope = VariableScope(["x": .string("{{ missing }}")], locations: ["x": SourceLocation(file: "group_vars/all.yml", line: 4, column: 4)])
        let e = try #require(throws: TemplateError.self) { try Template(source: "{{ x }}", name: "t").render(scope) }
        #expect(e.location == SourceLocation(file: "group_vars/all.yml", line: 4, column: 7))
    }

    @Test("random refuses to run in check mode; password_hash always refuses")
    func refusals() throws {
        let e = try #require(throws: TemplateError.self) { try render("{{ [1, 2] | random }}", checkMode: true) }
        #expect(e.code == .unsupported)
        #expect(e.message.contains("check mode"))
        #expect(["1", "2"].contains(try render("{{ [1, 2] | random }}")))
        let n = try #require(Int(try render("{{ 10 | random }}")))
        #expect((0..<10).contains(n))
        let p = try #require(throws: TemplateError.self) { try render("{{ 'pw' | password_hash('sha512') }}") }
        #expect(p.code == .unsupported)
    }

    @Test("MD5, SHA-1 and SHA-256 match the published test vectors")
    func digests() {
        let quick = Array("The quick brown fox jumps over the lazy dog".utf8)
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(Digest.hex(Digest.md5([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(Digest.hex(Digest.md5(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.hex(Digest.md5(quick)) == "9e107d9d372bb6826bd81d3542a419d6")
        #expect(Digest.hex(Digest.sha1([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Digest.hex(Digest.sha1(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Digest.hex(Digest.sha1(long)) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Digest.hex(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.hex(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.hex(Digest.sha256(long)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let million = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(Digest.hex(Digest.sha256(million)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(Digest.hex(Digest.sha1(million)) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
        #expect(Digest.hex(Digest.md5(million)) == "7707d6ae4e027c70eea2a935c2296f21")
    }

    @Test("Python repr and float formatting")
    func pythonFormatting() {
        #expect(Value.list([.string("a"), .int(1), .double(1), .null, .bool(true)]).pythonRepr == "['a', 1, 1.0, None, True]")
        #expect(Value.dict(["k": .string("it's")]).pythonRepr == "{'k': \"it's\"}")
        let floats: [(Double, String)] = [(0.5, "0.5"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (1e-5, "1e-05"),
                                          (0.0001, "0.0001"), (1.0 / 3, "0.3333333333333333"), (-2.5e-7, "-2.5e-07"),
                                          (123456.789, "123456.789"), (.infinity, "inf"), (Double.leastNonzeroMagnitude, "5e-324")]
        for (d, text) in floats { #expect(PythonFloat.repr(d) == text) }
    }

    @Test("JSON parsing keeps key order and types")
    func json() throws {
        let v = try Value(json: #"{"b": [1, 2.0, "x", null, true], "a": {"c": -3e2}}"#)
        #expect(v == .dict(["b": .list([.int(1), .double(2), .string("x"), .null, .bool(true)]), "a": .dict(["c": .double(-300)])]))
        if case .dict(let d) = v { #expect(Array(d.keys) == ["b", "a"]) }
        #expect(throws: TemplateError.self) { try Value(json: "{\"a\": }") }
        #expect(v.json == #"{"b": [1, 2.0, "x", null, true], "a": {"c": -300.0}}"#)
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() throws {
        let e = try #require(throws: TemplateError.self) { try render("héllo {{ nope }}") }
        #expect(e.location.column == 10)
    }

    @Test("one parsed template renders concurrently")
    func concurrentRendering() async throws {
        let template = try Template(source: "{% for i in range(n) %}{{ i }}{% endfor %}", name: "t")
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for n in 1...8 {
                group.addTask { try template.render(VariableScope(["n": .int(n)])) }
            }
            var all: [String] = []
            for try await r in group { all.append(r) }
            return all
        }
        #expect(Set(results) == Set((1...8).map { n in (0..<n).map(String.init).joined() }))
    }

    @Test("a 2,000-line template parses and renders quickly and linearly")
    func performance() throws {
        var lines: [String] = []
        for i in 0..<2000 {
            switch i % 4 {
            case 0: lines.append("server{{ \(i) }} {{ hosts[\(i) % 3] | upper }} port={{ base + \(i) }}")
            case 1: lines.append("{% if \(i) is odd %}odd {{ '%05d' % \(i) }}{% else %}even{% endif %} {{ cfg.name ~ '-' ~ \(i) }}")
            case 2: lines.append("{% for h in hosts %}{{ h }}{% if not loop.last %},{% endif %}{% endfor %} {{ hosts | join(' ') | length }}")
            default: lines.append("{{ cfg | to_json }} {{ cfg.name | regex_replace('b', 'B') }} {{ [1, 2, 3] | sum }}")
            }
        }
        let source = lines.joined(separator: "\n") + "\n"
        let scope = VariableScope(["hosts": .list([.string("web1"), .string("web2"), .string("db1")]), "base": .int(8000),
                                   "cfg": .dict(["name": .string("blue"), "port": .int(1)])])
        let start = Date()
        let output = try Template(source: source, name: "big.j2").render(scope)
        let elapsed = Date().timeIntervalSince(start)
        #expect(output.split(separator: "\n", omittingEmptySubsequences: false).count == 2001)
        #expect(output.hasPrefix("server0 WEB1 port=8000\nodd 00001 blue-1\nweb1,web2,db1 13\n"))
        #expect(elapsed < 5, "took \(elapsed)s")
        // Doubling the input should not quadruple the time.
        let start2 = Date()
        _ = try Template(source: source + source, name: "big.j2").render(scope)
        let elapsed2 = Date().timeIntervalSince(start2)
        #expect(elapsed2 < elapsed * 3.5 + 0.05, "2x input took \(elapsed2)s vs \(elapsed)s")
    }

    @Test("include and lookup('file') use the search paths")
    func searchPaths() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("drover-tpl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("templates"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "inner {{ x }}\n".write(to: dir.appendingPathComponent("templates/inner.j2"), atomically: true, encoding: .utf8)
        try "secret\n".write(to: dir.appendingPathComponent("key.txt"), atomically: true, encoding: .utf8)
        let scope = VariableScope(["x": .int(1)], searchPaths: [dir.path], environment: ["USER": "ops"])
        let out = try Template(source: "{% include 'inner.j2' %}[{{ lookup('file', 'key.txt') }}] {{ lookup('env', 'USER') }}", name: "t").render(scope)
        #expect(out == "inner 1\n[secret] ops")
        let e = try #require(throws: TemplateError.self) {
            try Template(source: "{% include 'inner.j2' %}", name: "t").render(VariableScope(["y": .int(1)], searchPaths: [dir.path]))
        }
        #expect(e.location.file.hasSuffix("templates/inner.j2"))
        #expect(e.location.line == 1 && e.location.column == 10)
    }
}
