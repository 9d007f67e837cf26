import DroverCore
import Foundation
import Testing

/// `drover check`'s static undefined-variable check.
@Suite("Undefined variables")
struct PlaybookVariableCheckTests {
    static func errors(_ playbook: String, inventory: String = "web1 port=80\n", extra: Set<String> = []) throws -> (errors: [InputError], skipped: [Int]) {
        let dir = "/tmp/drover-varcheck-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try playbook.write(toFile: "\(dir)/play.yml", atomically: true, encoding: .utf8)
        try inventory.write(toFile: "\(dir)/inventory", atomically: true, encoding: .utf8)
        try "- debug: msg=included\n".write(toFile: "\(dir)/more.yml", atomically: true, encoding: .utf8)
        let book = try PlaybookParser(extraVariableNames: extra).parse(file: "\(dir)/play.yml")
        return PlaybookVariableCheck.check(book, inventory: try Inventory.load("\(dir)/inventory"), extraVars: extra)
    }

    @Test("a misspelt variable is an error at the task, with a did-you-mean")
    func misspelt() throws {
        let result = try Self.errors("""
            - hosts: all
              vars: { app_port: 8080 }
              tasks:
                - debug: { msg: "listening on {{ app_prot }}" }
            """)
        #expect(result.errors.count == 1)
        let error = try #require(result.errors.first)
        #expect(error.code == .undefinedVariable)
        #expect(error.location?.line == 4)
        #expect(error.message.contains("`app_prot` is undefined in `msg`"))
        #expect(error.message.contains("did you mean `app_port`?"))
    }

    @Test("defined, guarded, registered, set, looped, inventory, extra and magic names are fine")
    func definedNames() throws {
        let result = try Self.errors("""
            - hosts: all
              vars: { items: [1, 2] }
              tasks:
                - command: echo {{ port }} {{ inventory_hostname }} {{ ansible_facts.hostname }} {{ from_cli }}
                  register: out
                - set_fact: { computed: "{{ out.stdout }}" }
                - debug: { msg: "{{ maybe | default('none') }} {{ computed }}" }
                  when: other is defined and other > 1
                - debug: { msg: "{% for i in items %}{{ i }}{% endfor %}{% set x = 1 %}{{ x }}" }
                - debug: { msg: "{{ f.n }} {{ idx }}" }
                  loop: "{{ items }}"
                  loop_control: { loop_var: f, index_var: idx }
                - assert: { that: ["out.rc == 0", "lookup('env', 'HOME') != ''"] }
                - block:
                    - debug: { var: block_var }
                  vars: { block_var: 1 }
            """, extra: ["from_cli"])
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test("conditions and loops are checked too; every unknown name is reported once per task")
    func conditionsAndLoops() throws {
        let result = try Self.errors("""
            - hosts: all
              tasks:
                - debug: { msg: "{{ a }} {{ a }}" }
                  when: b > 1
                  loop: "{{ c }}"
            """)
        #expect(Set(result.errors.map { $0.message.prefix(4) }) == ["`a` ", "`b` ", "`c` "])
    }

    @Test("a play that includes tasks or variables at run time is skipped, not guessed at")
    func dynamicPlaysSkipped() throws {
        let result = try Self.errors("""
            - hosts: all
              tasks:
                - include_tasks: more.yml
                - debug: { msg: "{{ from_include }}" }
            - hosts: all
              tasks:
                - debug: { msg: "{{ nowhere }}" }
            """)
        #expect(result.skipped == [1])
        #expect(result.errors.count == 1 && result.errors[0].message.contains("nowhere"))
    }

    @Test("free names of templates skip bound and guarded names", arguments: [
        ("{{ a.b[c] }}", ["a", "c"]),
        ("{% set n = 1 %}{{ n + m }}", ["m"]),
        ("{% for k, v in d.items() %}{{ k }}{{ v }}{{ loop.index }}{% endfor %}", ["d"]),
        ("{{ x | default(y) }}", ["y"]),
        ("{{ range(3) | list }}{{ lookup('env', 'X') }}", []),
        ("{% if z is defined %}{{ z }}{% endif %}", []),
        ("{% macro m(p) %}{{ p }}{{ r }}{% endmacro %}{{ m(1) }}", ["r"]),
    ])
    func freeNames(template: String, expected: [String]) throws {
        #expect(try Template(source: template, name: "t").freeNames.map(\.name) == expected)
    }
}
