import DroverCore
@testable import DroverServer
import DroverTestSupport
import Foundation
import Testing

@Suite("Server: drover.yml parsing")
struct ConfigParserTests {
    func project(_ config: String) throws -> String {
        let directory = try scratchDirectory("config")
        try "- hosts: all\n  gather_facts: false\n  tasks:\n    - command: echo {{ release }}\n"
            .write(toFile: directory + "/site.yml", atomically: true, encoding: .utf8)
        try "h1\n".write(toFile: directory + "/inventory", atomically: true, encoding: .utf8)
        try config.write(toFile: directory + "/drover.yml", atomically: true, encoding: .utf8)
        return directory
    }

    @Test("a full template parses")
    func full() throws {
        let directory = try project("""
            templates:
              - name: upgrade
                playbook: site.yml
                inventory: [inventory]
                check: false
                concurrency: refuse
                lock_wait: 5m
                timeout: 90
                overridable: [limit, tags]
                grants: [alice]
                survey:
                  - {name: release, type: string, required: true, regex: 'v[0-9.]+'}
                  - {name: batch, type: int, default: 2, min: 1, max: 5}
            """)
        let config = try ConfigParser(directory: directory).load()
        let template = try #require(config.templates["upgrade"])
        #expect(template.concurrency == .refuse)
        #expect(template.lockWait == .seconds(300))
        #expect(template.timeout == .seconds(90))
        #expect(template.overridable == [.limit, .tags])
        #expect(template.survey.map(\.name) == ["release", "batch"])
        #expect(!template.checkAllowed)
    }

    @Test("an unknown key names file:line:column and suggests the right one")
    func unknownKey() throws {
        let directory = try project("""
            templates:
              - name: upgrade
                playbook: site.yml
                inventory: [inventory]
                concurency: queue
            """)
        #expect {
            try ConfigParser(directory: directory).load()
        } throws: { error in
            let text = (error as? InputError)?.description ?? ""
            return text.hasPrefix(directory + "/drover.yml:5:5") && text.contains("did you mean `concurrency`?")
        }
    }

    @Test("a playbook outside the project is refused")
    func traversal() throws {
        let directory = try project("templates:\n  - name: x\n    playbook: ../../etc/passwd\n    inventory: [inventory]\n")
        #expect(throws: InputError.self) { try ConfigParser(directory: directory).load() }
    }

    @Test("a survey default that breaks its own rule is refused where it is written")
    func badDefault() throws {
        let directory = try project("""
            templates:
              - name: x
                playbook: site.yml
                inventory: [inventory]
                survey:
                  - name: release
                    type: choice
                    choices: [a, b]
                    default: c
            """)
        #expect {
            try ConfigParser(directory: directory).load()
        } throws: { error in
            ((error as? InputError)?.description ?? "").contains("drover.yml:9:")
        }
    }
}
