import Foundation
import Testing

@testable import DroverCore

/// Mutated templates must fail cleanly (TemplateError) or render: never
/// crash, hang or recurse without bound.
@Suite("Template fuzzing")
struct TemplateFuzzTests {
    static let alphabet = Array("{}%#|()[]'\"-+*/.,:~=<> \nabcxyz019_\\")

    static func mutate(_ s: String, using rng: inout SeededGenerator) -> String {
        var chars = Array(s)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0 where !chars.isEmpty:
                chars.remove(at: Int.random(in: 0..<chars.count, using: &rng))
            case 1:
                chars.insert(alphabet.randomElement(using: &rng)!, at: Int.random(in: 0...chars.count, using: &rng))
            case 2 where !chars.isEmpty:
                let start = Int.random(in: 0..<chars.count, using: &rng)
                let end = min(chars.count, start + Int.random(in: 1...8, using: &rng))
                chars.insert(contentsOf: chars[start..<end], at: end)
            default:
                if chars.count > 1 { chars.swapAt(Int.random(in: 0..<chars.count, using: &rng), Int.random(in: 0..<chars.count, using: &rng)) }
            }
        }
        return String(chars)
    }

    @Test("4000 mutated templates either render or throw TemplateError")
    func mutatedTemplates() throws {
        let (cases, base) = try ConformanceTests.load()
        let seeds = cases.map(\.template).filter { !$0.contains("100000000") && !$0.contains("10000000") }
        #expect(seeds.count > 400)
        var rng = SeededGenerator(seed: 20_261_122)
        var rendered = 0, failed = 0
        let start = Date()
        for _ in 0..<4000 {
            let source = Self.mutate(seeds.randomElement(using: &rng)!, using: &rng)
            do {
                let t = try Template(source: source, name: "fuzz")
                _ = try t.render(base)
                rendered += 1
            } catch {
                #expect(!error.message.isEmpty)
                #expect(error.location.line >= 1 && error.location.column >= 1, "\(source.debugDescription): \(error)")
                failed += 1
            }
        }
        #expect(rendered + failed == 4000)
        #expect(rendered > 200 && failed > 200, "mutations should exercise both paths: \(rendered) rendered, \(failed) failed")
        #expect(Date().timeIntervalSince(start) < 120)
    }

    @Test("pathological inputs hit a guard instead of the stack or the clock")
    func guards() throws {
        let scope = VariableScope()
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let nested = String(repeating: "[", count: 3000) + String(repeating: "]", count: 3000)
        let chain = "{{ 1" + String(repeating: " + 1", count: 5000) + " }}"
        let filters = "{{ 'x'" + String(repeating: " | upper", count: 5000) + " }}"
        let blocks = String(repeating: "{% if true %}", count: 500) + String(repeating: "{% endif %}", count: 500)
        for source in ["{{ \(deep) }}", "{{ \(nested) }}", chain, filters, blocks] {
            let e = try #require(throws: TemplateError.self) { try Template(source: source, name: "t").render(scope) }
            #expect(e.code == .limitExceeded, "\(e)")
        }
        let loops = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        let e = try #require(throws: TemplateError.self) { try Template(source: loops, name: "t").render(scope) }
        #expect(e.code == .limitExceeded)
        let macro = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
        let m = try #require(throws: TemplateError.self) { try Template(source: macro, name: "t").render(scope) }
        #expect(m.code == .limitExceeded)
        // Just under the limits still works.
        let ok = "{{ " + String(repeating: "(", count: 40) + "1" + String(repeating: ")", count: 40) + " }}"
        #expect(try Template(source: ok, name: "t").render(scope) == "1")
    }
}
