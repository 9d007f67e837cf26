import DroverCore
import Testing

@Suite("--start-at-task and empty playbooks")
struct StartAtTaskTests {
    static let playbook = """
        - hosts: all
          roles: [webapp]
          tasks:
            - name: Install packages
              debug: msg=a
            - block:
                - name: Restart the service
                  debug: msg=b
              always:
                - name: Clean up
                  debug: msg=c
              rescue:
                - name: Report the failure
                  debug: msg=d
          handlers:
            - name: Reload nginx
              debug: msg=e
        """

    static func parse() throws -> Playbook {
        try PlaybookParserTests.parse(Self.playbook, files: ["roles/webapp/tasks/main.yml": "- name: Render the config\n  debug: msg=r\n"])
    }

    @Test("a name, a glob, a ROLE : NAME title and an always task are found",
          arguments: ["Install packages", "Install *", "webapp : Render the config", "Render the config", "Clean up"])
    func found(name: String) throws {
        #expect(throws: Never.self) { try Self.parse().checkStartAtTask(name) }
    }

    @Test("a name matching no reachable task is refused with the closest names",
          arguments: [("Instal packages", "`Install packages`"), ("restart", "`Restart the service`"),
                      ("no such task", "--list-tasks"), ("Report the failure", "matches no task"), ("Reload nginx", "matches no task")])
    func refused(name: String, hint: String) throws {
        let error = #expect(throws: InputError.self) { try Self.parse().checkStartAtTask(name) }
        #expect(error?.message.contains(hint) == true, "\(error?.message ?? "")")
    }

    @Test("a playbook without plays, and a play without tasks, are warned about")
    func emptiness() throws {
        #expect(try PlaybookParserTests.parse("[]\n").emptinessWarnings().first?.hasSuffix("has no plays: nothing to do") == true)
        let warnings = try PlaybookParserTests.parse("- hosts: all\n  tasks: []\n- hosts: web\n  tasks:\n    - debug: msg=x\n").emptinessWarnings()
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains(":1:3: play #1 (all) has no tasks") == true, "\(warnings)")
        #expect(try Self.parse().emptinessWarnings().isEmpty)
    }
}
