import Foundation
import OrderedCollections
import Testing

@testable import DroverCore

/// Checks Drover against the expectations real Jinja2 produced
/// (ops/jinja-conformance/generate.py → Fixtures/template/conformance.json).
@Suite("Jinja2 conformance")
struct ConformanceTests {
    /// Test data, excluded from the target in Package.swift.
    static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/template")

    struct Case {
        var id: Int
        var group: String
        var template: String
        var vars: OrderedDictionary<String, Value>
        var expected: String?
        var error: String?
        var droverExpected: String?
        var droverError: String?
    }

    static func load() throws -> (cases: [Case], context: VariableScope) {
        let text = try String(contentsOf: resources.appendingPathComponent("conformance.json"), encoding: .utf8)
        guard case .dict(let doc) = try Value(json: text),
              case .dict(let shared)? = doc["vars"],
              case .dict(let env)? = doc["environment"],
              case .list(let rawCases)? = doc["cases"] else {
            throw TemplateError(.valueError, "conformance.json has an unexpected shape", at: SourceLocation(file: "conformance.json", line: 1))
        }
        var environment: [String: String] = [:]
        for (k, v) in env { environment[k] = v.pythonString }
        let context = VariableScope(shared, searchPaths: [resources.appendingPathComponent("lookup").path], environment: environment)
        var cases: [Case] = []
        for raw in rawCases {
            guard case .dict(let c) = raw else { continue }
            var vars = shared
            if case .dict(let extra)? = c["vars"] { for (k, v) in extra { vars[k] = v } }
            cases.append(Case(
                id: c["id"]?.integer ?? 0,
                group: c["group"]?.stringValue ?? "",
                template: c["template"]?.stringValue ?? "",
                vars: vars,
                expected: c["expected"]?.stringValue,
                error: c["error"]?.stringValue,
                droverExpected: c["drover"]?.stringValue,
                droverError: c["drover_error"]?.stringValue))
        }
        return (cases, context)
    }

    static func code(forJinjaError kind: String) -> TemplateError.Code? {
        switch kind {
        case "undefined": return .undefinedVariable
        case "syntax": return .syntax
        case "unknownFilter": return .unknownFilter
        case "unknownTest": return .unknownTest
        default: return nil  // any runtime error
        }
    }

    /// Renders one case; nil when it behaves as expected, else what went wrong.
    static func check(_ c: Case, in base: VariableScope) -> String? {
        var context = base
        context.variables = c.vars
        let outcome: Result<String, TemplateError>
        do {
            let t = try Template(source: c.template, name: "case\(c.id)")
            outcome = .success(try t.render(context))
        } catch {
            outcome = .failure(error)
        }
        let wantText = c.droverExpected ?? (c.droverError == nil ? c.expected : nil)
        let wantError = c.droverError ?? (c.droverExpected == nil ? c.error : nil)
        switch outcome {
        case .success(let text):
            if let wantText, text == wantText { return nil }
            if let wantText { return "rendered \(Value.string(text).pythonRepr), expected \(Value.string(wantText).pythonRepr)" }
            return "rendered \(Value.string(text).pythonRepr), expected an error (\(wantError ?? "?"))"
        case .failure(let error):
            guard let wantError else { return "threw \(error.code): \(error.message); expected \(Value.string(wantText ?? "").pythonRepr)" }
            let wantCode = c.droverError.flatMap(TemplateError.Code.init(rawValue:)) ?? code(forJinjaError: wantError)
            if let wantCode, wantCode != error.code { return "threw \(error.code) (\(error.message)), expected \(wantCode)" }
            // Jinja2 compiled these and failed while rendering: a parse-time error would be wrong.
            if wantCode == nil, error.code == .syntax {
                return "threw \(error.code) (\(error.message)), expected a runtime error"
            }
            return nil
        }
    }

    @Test("every case matches Jinja2 (or its documented Drover difference)")
    func conformance() throws {
        let (cases, context) = try Self.load()
        #expect(cases.count >= 400)
        var failures: [String] = []
        for c in cases {
            if let problem = Self.check(c, in: context) {
                failures.append("#\(c.id) [\(c.group)] \(Value.string(c.template).pythonRepr): \(problem)")
            }
        }
        let passed = cases.count - failures.count
        print("Jinja2 conformance: \(passed)/\(cases.count) cases pass")
        #expect(failures.isEmpty, Comment(rawValue: "\(failures.count) of \(cases.count) conformance cases failed:\n" + failures.joined(separator: "\n")))
    }

    @Test("the expectations really come from Jinja2 and cover every area")
    func dataIsReal() throws {
        let (cases, _) = try Self.load()
        let groups = Set(cases.map(\.group))
        for g in ["literals", "filters_regex", "filters_json_yaml", "templates_for", "tests", "version_tests", "lookups"] {
            #expect(groups.contains(g), "missing group \(g)")
        }
        #expect(cases.filter { $0.error != nil }.count >= 50)
        #expect(cases.contains { $0.template == "{{ 7 / 2 }}" && $0.expected == "3.5" })
    }
}
