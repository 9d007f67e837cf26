import DroverCore
import Foundation
import Testing

/// `drover check` parses every template a playbook can reach and points
/// at the faulty expression itself.
@Suite("Template syntax check of playbooks")
struct PlaybookTemplateCheckTests {
    static let playbook = """
        - hosts: all
          vars:
            greeting: "{{ 'hi' ~ }}"
          tasks:
            - name: greet
              debug:
                msg: "{{ foo | }}"
              when: r.rc = 0
            - name: render
              template: src=motd.j2 dest=/etc/motd
            - name: fine
              debug: msg="{{ foo | default('x') }}"
              when: [r is defined, "r.rc == 0"]
              loop: "{{ [1, 2 }}"
        """

    /// Checks `text` as play.yml with `files` beside it (kept until the
    /// check is done: template and include files are read by it).
    static func check(_ text: String = playbook, files: [String: String] = ["templates/motd.j2": "Welcome\n{% if x %}\nHello {{ name | }}\n{% endif %}\n"]) throws -> [String] {
        let directory = "/tmp/drover-template-check-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (path, content) in files.merging(["play.yml": text], uniquingKeysWith: { a, _ in a }) {
            try FileManager.default.createDirectory(atPath: "\(directory)/\((path as NSString).deletingLastPathComponent)", withIntermediateDirectories: true)
            try content.write(toFile: "\(directory)/\(path)", atomically: true, encoding: .utf8)
        }
        let parsed = try PlaybookParser().parse(file: "\(directory)/play.yml")
        return PlaybookTemplateCheck.check(parsed).map { $0.description.replacingOccurrences(of: directory + "/", with: "") }
    }

    @Test("a faulty expression in a task argument, a when, a loop, vars and a .j2 template is reported where it is")
    func reportsEveryError() throws {
        let errors = try Self.check()
        #expect(errors.count == 5, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("play.yml:3:26: ") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("play.yml:7:24: ") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("play.yml:8:18: ") && $0.contains("==") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("play.yml:14:17: ") && $0.contains("never closed: add ']' before") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("templates/motd.j2:3:17: ") }, "\(errors)")
    }

    @Test("a playbook whose templates all parse has no errors, and a template not found is left to the run")
    func cleanPlaybook() throws {
        let errors = try Self.check("""
            - hosts: all
              tasks:
                - template: src=missing.j2 dest=/tmp/x
                  when: x is defined and x.rc == 0
                - shell: |
                    echo {{ item }}
                  loop: "{{ range(3) | list }}"
            """, files: [:])
        #expect(errors.isEmpty, "\(errors)")
    }

    @Test("roles' defaults, tasks and templates, and statically named include files, are checked")
    func rolesAndIncludes() throws {
        let errors = try Self.check("""
            - hosts: all
              roles: [web]
              tasks:
                - include_tasks: more.yml
            """, files: [
                "roles/web/defaults/main.yml": "port: \"{{ 80 + }}\"\n",
                "roles/web/tasks/main.yml": "- template: src=site.conf.j2 dest=/etc/site.conf\n",
                "roles/web/templates/site.conf.j2": "listen {{ port ) }}\n",
                "more.yml": "- command: echo {{ a b }}\n",
            ])
        #expect(errors.count == 3, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("roles/web/defaults/main.yml:1:") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("roles/web/templates/site.conf.j2:1:") }, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("more.yml:1:") }, "\(errors)")
    }

    @Test("positions inside escaped, block, folded, multi-line and key=value strings are those in the file")
    func positionsInsideScalars() throws {
        let errors = try Self.check(#"""
            - hosts: all
              tasks:
                - debug:
                    msg: "say \"hi\" {{ nope() | }}"
                - shell: |
                    echo one
                    echo {{ x | }}
                - command: echo {{ a b }} chdir=/tmp
                - debug:
                    msg: >-
                      folded text
                      {{ 1 + }}
                - debug:
                    msg: "multi
                      line {{ y | }}"
            """#, files: [:])
        #expect(errors.map { String($0.prefix { $0 != " " }) } == ["play.yml:4:38:", "play.yml:7:21:", "play.yml:8:26:", "play.yml:12:18:", "play.yml:15:23:"],
                "\(errors)")
    }
}
