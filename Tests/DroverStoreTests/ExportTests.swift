import DroverCore
@testable import DroverEngine
@testable import DroverStore
import DroverTestSupport
import Foundation
import Testing

@Suite("drover export")
struct ExportTests {
    /// A run with every kind of result.
    static func sample(_ store: Store) async throws -> Int64 {
        let started = Date(timeIntervalSinceNow: -2)
        return try await record(store, [
            report("web1", "install", .changed, stdout: "ok <done> & \"quoted\"\n", stderr: "", rc: 0, started: started),
            report("web2", "install", .failed, stdout: "", stderr: "\u{1B}[31mE: broken\u{1B}[0m\n", rc: 100,
                   msg: "non-zero return code", started: started),
            report("web1", "optional", .skipped, msg: "Conditional result was False", module: "debug"),
            report("web1", "probe", .failed, stderr: "nope\n", rc: 1, msg: "probe failed", ignored: true),
            report("web2", "probe", .unreachable, msg: "Failed to connect to the host via ssh"),
            report("web1", "loop", .ok, stdout: "a", item: "a"),
            report("web1", "loop", .ok, stdout: String(repeating: "big\n", count: 20_000), item: "b"),
        ], info: runInfo("site.yml", extraVars: [("api_token", .string("s3cr3t"))]))
    }

    @Test("JSON has the run, its recap and every result, and parses")
    func json() async throws {
        let temp = try TemporaryStore("export-json")
        defer { temp.close() }
        let id = try await Self.sample(temp.store)
        // A result whose stdout is not UTF-8 (written directly: modules only return text).
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE task_results SET stdout = X'FF00FE' WHERE run_id = ? AND task = 'optional'", arguments: [id])
        }
        var text = ""
        try temp.store.export(id, format: .json) { text += $0 }
        let document = try Value.parseJSON(text)
        guard case .dict(let top) = document, case .dict(let run)? = top["run"], case .dict(let recap)? = top["recap"],
              case .list(let results)? = top["results"] else {
            Issue.record("unexpected shape: \(text.prefix(500))")
            return
        }
        #expect(top["format"] == .string("drover-run/1"))
        #expect(run["id"] == .int(Int(id)))
        #expect(run["status"] == .string("failed"))
        #expect(run["playbook"] == .string("/srv/playbooks/site.yml"))
        #expect(run["extra_vars"] == .dict(["api_token": .string("********")]))
        #expect(recap.keys.elementsEqual(["web1", "web2"]))
        #expect(results.count == 7)
        guard case .dict(let failed) = results[1], case .dict(let skipped) = results[2], case .dict(let big) = results[6] else {
            Issue.record("results are not objects")
            return
        }
        #expect(failed["host"] == .string("web2") && failed["status"] == .string("failed") && failed["rc"] == .int(100))
        #expect(failed["stderr"] == .string("\u{1B}[31mE: broken\u{1B}[0m\n"))
        #expect(failed["msg"] == .string("non-zero return code"))
        #expect(skipped["stdout_base64"] == .string("/wD+"))
        #expect(big["stdout"]?.stringValue?.utf8.count == 80_000)
        #expect(big["item"] == .string("b"))
        if case .dict(let result)? = failed["result"] { #expect(result["rc"] == .int(100)) } else { Issue.record("result is not an object") }
        #expect(!text.contains("s3cr3t"))
    }

    @Test("a failure a block's rescue handled is stored and exported as rescued")
    func rescued() async throws {
        let temp = try TemporaryStore("export-rescued")
        defer { temp.close() }
        var handled = report("web1", "migrate", .failed, rc: 1, msg: "non-zero return code")
        handled.rescued = true
        let id = try await record(temp.store, [handled, report("web2", "migrate", .failed, rc: 1)])
        let results = try await temp.store.results(id)
        #expect(results.map(\.rescued) == [true, false])
        var text = ""
        try temp.store.export(id, format: .json) { text += $0 }
        guard case .dict(let top) = try Value.parseJSON(text), case .list(let rows)? = top["results"] else {
            Issue.record("unexpected shape: \(text.prefix(300))")
            return
        }
        #expect(rows.map { $0.dictionary["rescued"] } == [.bool(true), .bool(false)])
    }

    @Test("JUnit XML validates against the JUnit schema, one testsuite per host and one testcase per result")
    func junit() async throws {
        let temp = try TemporaryStore("export-junit")
        defer { temp.close() }
        let id = try await Self.sample(temp.store)
        var xml = ""
        try temp.store.export(id, format: .junit) { xml += $0 }
        let check = try await validateJUnit(xml, in: temp.home)
        #expect(check.status == 0, "\(check.output)\n\(xml)")
        #expect(xml.contains("<testsuites name=\"drover run \(id): /srv/playbooks/site.yml\" tests=\"7\" failures=\"1\" errors=\"1\""))
        #expect(xml.contains("<testsuite name=\"web1\" tests=\"5\" failures=\"0\" errors=\"0\" skipped=\"1\""))
        #expect(xml.contains("<testsuite name=\"web2\" tests=\"2\" failures=\"1\" errors=\"1\" skipped=\"0\""))
        #expect(xml.contains("<testcase name=\"install\" classname=\"web1\" time=\""))
        #expect(xml.contains("<system-out>ok &lt;done&gt; &amp; \"quoted\"\n</system-out>"))
        #expect(xml.contains("<failure message=\"non-zero return code\" type=\"failed\">rc=100\nnon-zero return code\nstderr:\n\u{FFFD}[31mE: broken\u{FFFD}[0m\n</failure>"))
        #expect(xml.contains("<skipped message=\"Conditional result was False\"/>"))
        #expect(xml.contains("<error message=\"Failed to connect to the host via ssh\" type=\"unreachable\">"))
        #expect(xml.contains("<testcase name=\"loop (item=b)\" classname=\"web1\""))
        #expect(xml.contains("<system-err>failed (ignored) rc=1: probe failed\nnope\n</system-err>"))
        #expect(xml.contains("… 14464 more bytes: `drover logs \(id) --host web1 --task 4` prints it all"))
        // The install tasks started two seconds before they ended.
        let time = try #require(xml.firstRange(of: "classname=\"web1\" time=\"").map { xml[$0.upperBound...].prefix(5) })
        #expect(Double(time).map { $0 >= 1.9 } == true, "\(time)")
        #expect(!xml.contains("s3cr3t"))
    }

    @Test("an empty run and an unknown run")
    func edges() async throws {
        let temp = try TemporaryStore("export-edges")
        defer { temp.close() }
        let id = try await record(temp.store, [])
        var xml = ""
        try temp.store.export(id, format: .junit) { xml += $0 }
        #expect(try await validateJUnit(xml, in: temp.home).status == 0, "\(xml)")
        var json = ""
        try temp.store.export(id, format: .json) { json += $0 }
        #expect(throws: Never.self) { try Value.parseJSON(json) }
        #expect(throws: StoreError.self) { try temp.store.export(id + 1, format: .json) { _ in } }
    }
}
