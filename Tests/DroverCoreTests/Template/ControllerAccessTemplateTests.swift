import DroverCore
import Testing

@Suite("Templates under controller access")
struct ControllerAccessTemplateTests {
    @Test("forbidden: lookup('env'), lookup('pipe') and '~' paths fail where they are written; allowed: the environment is read")
    func refusals() throws {
        var scope = VariableScope(environment: ["HOME": "/root"])
        #expect(try Template(source: "{{ lookup('env', 'HOME') }}", name: "t.j2").render(scope) == "/root")
        scope.controllerAccess = .forbidden
        for source in ["{{ lookup('env', 'HOME') }}", "{{ lookup('pipe', 'id') }}", "{{ '~/x' is exists }}"] {
            let error = #expect(throws: TemplateError.self) { try Template(source: "\n  " + source, name: "t.j2").render(scope) }
            #expect(error?.code == .forbidden, "\(source)")
            #expect(error?.description.hasPrefix("t.j2:2:") == true, "\(error.map { "\($0)" } ?? "")")
            #expect(error?.message.contains("forbids controller access") == true, "\(error.map { "\($0)" } ?? "")")
        }
    }
}
