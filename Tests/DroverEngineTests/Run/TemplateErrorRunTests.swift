import DroverCore
import DroverEngine
import DroverTestSupport
import Testing

/// A template error at run time names the line and column of the faulty
/// expression, not the task's `- name:` line.
@Suite("Template errors on test hosts")
struct TemplateErrorRunTests {
    @Test("errors in an argument, a when and a block scalar point into the value")
    func errorsPointIntoValues() async throws {
        let harness = try PlaybookHarness("template-error", hosts: [1])
        let (_, observer) = try await harness.run("""
            - hosts: all
              gather_facts: false
              tasks:
                - name: greet
                  debug:
                    msg: "hello \\"{{ foo | }}\\""
                  ignore_errors: true
                - name: cond
                  debug: msg=x
                  when: r.rc = 0
                  ignore_errors: true
                - name: script
                  shell: |
                    echo one
                    echo {{ undefined_here }}
                  ignore_errors: true
            """)
        let messages = await observer.results("h1").map { $0.result.dictionary["msg"]?.text ?? "" }
        let site = "\(harness.directory)/site.yml"
        #expect(messages.count == 3, "\(messages)")
        #expect(messages.first?.hasPrefix("\(site):6:32: ") == true, "\(messages)")
        #expect(messages.dropFirst().first?.hasPrefix("\(site):10:18: ") == true, "\(messages)")
        #expect(messages.last?.hasPrefix("\(site):15:17: ") == true, "\(messages)")
    }
}
