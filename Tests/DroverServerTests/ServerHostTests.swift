import DroverCore
import DroverServer
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// The hosts API, over real HTTP, after real runs.
@Suite("Server hosts")
struct ServerHostTests {
    @Test("hosts: a keyset-paged list, one host's latest run per template and facts, its runs; unknown host 404")
    func hosts() async throws {
        let server = try await ServerHarness("server-hosts", hosts: [6, 7])
        defer { Swift.Task { await server.stop() } }
        try await server.addTemplate("facts", playbook: "- hosts: all\n  tasks:\n    - debug: { msg: '{{ ansible_hostname }}' }\n")
        let nap = try await server.launch()
        _ = try await server.events(nap)
        let facts = try await server.launch("{}", template: "facts")
        _ = try await server.events(facts)

        let first = try await server.request(.GET, "/api/v1/hosts?limit=1")
        #expect(first.status == 200, "\(first.body)")
        #expect(first["items"]?.listValue?.first?.dictValue?["name"] == .string("h6"))
        let cursor = try #require(first["next_cursor"]?.stringValue)
        let second = try await server.request(.GET, "/api/v1/hosts?limit=1&cursor=\(cursor)")
        #expect(second["items"]?.listValue?.first?.dictValue?["name"] == .string("h7"))
        #expect(second["next_cursor"] == .null)

        let host = try await server.request(.GET, "/api/v1/hosts/h7")
        #expect(host.status == 200, "\(host.body)")
        let lastRuns = host["last_runs"]?.listValue?.compactMap { $0.dictValue?["run"] } ?? []
        #expect(lastRuns == [.int(Int(facts)), .int(Int(nap))])
        #expect(host["facts"]?.dictValue?["ansible_hostname"] != nil, "\(host.body)")
        #expect(host["locked_by"] == .null)

        let runs = try await server.request(.GET, "/api/v1/hosts/h7/runs")
        #expect(runs["items"]?.listValue?.compactMap { $0.dictValue?["id"] } == [.int(Int(facts)), .int(Int(nap))])
        #expect(try await server.request(.GET, "/api/v1/hosts/h99").status == 404)

        let diff = try await server.request(.GET, "/api/v1/runs/\(nap)/diff/\(facts)")
        #expect(diff.status == 200, "\(diff.body)")
        #expect(diff["differs"] == .bool(true))
        #expect(diff["lines"]?.listValue?.first?.stringValue?.contains("different playbooks") == true, "\(diff.body)")
        #expect(try await server.request(.GET, "/api/v1/runs/\(nap)/diff/99999").status == 404)

        // A relaunch is the same template with the same parameters, as a new run.
        let relaunched = try await server.request(.POST, "/api/v1/runs/\(nap)/relaunch")
        #expect(relaunched.status == 201, "\(relaunched.body)")
        guard case .int(let again)? = relaunched["id"] else { Issue.record("no id: \(relaunched.body)"); return }
        #expect(Int64(again) != nap)
        #expect(try await server.events(Int64(again)).last?.data.dictValue?["status"] == .string("succeeded"))
        let rerun = try await server.controller.store.run(Int64(again))
        #expect(rerun.template == "nap" && rerun.extraVars.contains("v1.0"), "\(rerun.extraVars)")
        #expect(try await server.request(.GET, "/api/v1/hosts?cursor=bogus").status == 400)
    }

    @Test("rollback over the API: a check changes nothing, the rollback undoes the run and marks it; a CLI-style run is refused")
    func rollback() async throws {
        let server = try await ServerHarness("server-rollback", hosts: [12])
        defer { Swift.Task { await server.stop() } }
        try FileManager.default.createDirectory(atPath: "\(server.directory)/h12", withIntermediateDirectories: true)
        try await server.addTemplate("make", playbook: "- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { content: made, dest: '{{ work }}/made' }\n")
        let made = try await server.launch("{}", template: "make")
        _ = try await server.events(made)
        let file = "\(server.directory)/h12/made"
        #expect(FileManager.default.fileExists(atPath: file))

        let checked = try await server.request(.POST, "/api/v1/runs/\(made)/rollback", body: #"{"check": true}"#)
        #expect(checked.status == 201, "\(checked.body)")
        guard case .int(let checkID)? = checked["id"] else { Issue.record("no id: \(checked.body)"); return }
        #expect(try await server.events(Int64(checkID)).last?.data.dictValue?["status"] == .string("succeeded"))
        #expect(FileManager.default.fileExists(atPath: file))
        let checkRun = try await server.controller.store.run(Int64(checkID))
        #expect(checkRun.kind == .rollback && checkRun.checkMode && checkRun.parentRunID == made)

        let undone = try await server.request(.POST, "/api/v1/runs/\(made)/rollback", body: "{}")
        #expect(undone.status == 201, "\(undone.body)")
        guard case .int(let undoID)? = undone["id"] else { Issue.record("no id: \(undone.body)"); return }
        #expect(try await server.events(Int64(undoID)).last?.data.dictValue?["status"] == .string("succeeded"))
        #expect(!FileManager.default.fileExists(atPath: file))
        #expect(try await server.controller.store.run(made).status == .rolledBack)
        // A check run has nothing to undo.
        #expect(try await server.request(.POST, "/api/v1/runs/\(checkID)/rollback", body: "{}").status == 409)
    }

    @Test("a server forbids controller access by default: a play on localhost fails at its task and runs nothing here")
    func controllerAccessForbidden() async throws {
        let server = try await ServerHarness("server-local", hosts: [13])
        defer { Swift.Task { await server.stop() } }
        let marker = "\(server.directory)/ran-on-controller"
        try await server.addTemplate("local", playbook: "- hosts: h13\n  gather_facts: false\n  tasks:\n    - command: touch \(marker)\n      delegate_to: localhost\n")
        let id = try await server.launch("{}", template: "local")
        #expect(try await server.events(id).last?.data.dictValue?["status"] == .string("failed"))
        let message = try await server.controller.store.results(id).first?.msg ?? ""
        #expect(message.contains("forbids controller access"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
