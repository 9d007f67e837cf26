import DroverCore
import DroverEngine
import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// Record a run in a real store, change its inputs, run again, roll the
/// second run back: the files are byte-identical to after the first run.
@Suite("Rollback on test hosts", .serialized)
struct RollbackRunTests {
    static let playbook = """
        - hosts: all
          gather_facts: false
          vars: { port: 80 }
          tasks:
            - file: { path: "{{ work }}/etc/conf.d", state: directory, mode: "0750" }
            - copy: { content: "port={{ port }}\\n", dest: "{{ work }}/etc/app.conf", mode: "0640" }
            - template: { src: motd.j2, dest: "{{ work }}/etc/motd" }
            - lineinfile: { path: "{{ work }}/etc/app.conf", line: "level={{ port }}" }
            - blockinfile: { path: "{{ work }}/etc/app.conf", block: "block {{ port }}" }
            - replace: { path: "{{ work }}/etc/motd", regexp: "port \\\\d+", replace: "port {{ port }}!" }
            - file: { path: "{{ work }}/etc/current", src: "{{ work }}/etc/motd", state: link }
            - file: { path: "{{ work }}/etc/touched", state: touch, mode: "0600" }
              when: port | int == 81
            - file: { path: "{{ work }}/etc/old.conf", state: absent }
              when: port | int == 81
            - file: { path: "{{ work }}/etc/conf.d/{{ port }}", state: directory }
            - file: { path: "{{ work }}/etc/app.conf", mode: "0600" }
              when: port | int == 81
            - command: touch {{ work }}/etc/marker
              args: { creates: "{{ work }}/etc/marker" }
              undo: rm -f {{ work }}/etc/marker
              when: port | int == 81
            - command: "true"
        """

    /// Paths, types, modes and contents under a host's directory.
    static func snapshot(_ root: String) throws -> [String] {
        var lines: [String] = []
        let fm = FileManager.default
        for case let relative as String in fm.enumerator(atPath: root)! {
            let path = "\(root)/\(relative)"
            let attributes = try fm.attributesOfItem(atPath: path)
            let type = attributes[.type] as! FileAttributeType
            let mode = String((attributes[.posixPermissions] as! Int), radix: 8)
            var line = "\(relative) \(type.rawValue) \(mode)"
            if type == .typeSymbolicLink { line += " -> " + (try fm.destinationOfSymbolicLink(atPath: path)) }
            else if type == .typeRegular { line += " " + String(decoding: fm.contents(atPath: path)!, as: UTF8.self) }
            lines.append(line)
        }
        return lines.sorted()
    }

    func record(_ harness: PlaybookHarness, _ store: Store, port: Int) async throws -> (RunRecap, Int64) {
        var options = RunOptions()
        options.extraVars = ["port": .int(port)]
        let info = RunInfo(playbook: "site.yml", playbookSHA256: "", inventory: ["\(harness.directory)/inventory"],
                           limit: nil, extraVars: options.extraVars, checkMode: false)
        var started: RunRecorder?
        let (recap, _) = try await harness.run(Self.playbook, options: options) { collecting in
            let recorder = try await RunRecorder.start(store: store, info: info, forwardingTo: collecting)
            started = recorder
            return recorder
        }
        let recorder = try #require(started)
        await recorder.finish(status: recap.status, recap: recap)
        return (recap, recorder.runID)
    }

    func rollBack(_ run: Int64, _ harness: PlaybookHarness, _ store: Store, check: Bool = false, force: Bool = false) async throws -> (RunRecap, CollectingObserver) {
        let observer = CollectingObserver()
        var runner = RollbackRunner(journals: try await store.undoJournals(run), inventory: try Inventory.load("\(harness.directory)/inventory"),
                                    connector: TestHostConnector(), script: PlaybookHarness.script, observer: observer, title: "rollback")
        runner.checkMode = check
        runner.force = force
        return (await runner.run(), observer)
    }

    @Test("rollback restores content, mode and existence; a rollback of the rollback restores the second run; drift is refused")
    func rollbackRoundTrip() async throws {
        let harness = try PlaybookHarness("rollback", hosts: [17])
        try harness.write("templates/motd.j2", "hello {{ inventory_hostname }} port {{ port }}\n")
        let store = try Store(home: try scratchDirectory("rollback-store"))
        let root = "\(harness.directory)/h17"
        try FileManager.default.createDirectory(atPath: "\(root)/etc", withIntermediateDirectories: true)
        try "keep me\n".write(toFile: "\(root)/etc/old.conf", atomically: true, encoding: .utf8)

        let (first, _) = try await record(harness, store, port: 80)
        #expect(first.exitCode == 0)
        let afterFirst = try Self.snapshot(root)
        let (second, secondID) = try await record(harness, store, port: 81)
        #expect(second.exitCode == 0)
        let afterSecond = try Self.snapshot(root)
        #expect(afterSecond != afterFirst)

        // --check lists the work and the command it cannot undo, and changes nothing.
        let (checked, checkObserver) = try await rollBack(secondID, harness, store, check: true)
        #expect(checked.exitCode == 0)
        #expect(try Self.snapshot(root) == afterSecond)
        let skipped = await checkObserver.reports.filter { $0.status == .skipped }.compactMap(\.item)
        #expect(skipped.contains { $0.contains("cannot undo") })

        let (undone, _) = try await rollBack(secondID, harness, store)
        #expect(undone.exitCode == 0)
        #expect(try Self.snapshot(root) == afterFirst)

        // The rollback journals its own changes: rolling it back gives the second run's state.
        let observer = CollectingObserver()
        let info = RunInfo(playbook: "rollback", playbookSHA256: "", inventory: [], limit: nil, extraVars: [:], checkMode: false)
        let recorder = try await RunRecorder.start(store: store, info: info, forwardingTo: observer)
        var runner = RollbackRunner(journals: try await store.undoJournals(secondID), inventory: try Inventory.load("\(harness.directory)/inventory"),
                                    connector: TestHostConnector(), script: PlaybookHarness.script, observer: recorder, title: "rollback")
        runner.force = true
        // Back to the second run's state first, recorded, then undo that rollback.
        _ = try await record(harness, store, port: 81)
        let (again, _) = await (runner.run(), 0)
        await recorder.finish(status: again.status, recap: again)
        #expect(again.exitCode == 0)
        #expect(try Self.snapshot(root) == afterFirst)
        let (redo, _) = try await rollBack(recorder.runID, harness, store)
        #expect(redo.exitCode == 0)
        // All but the marker: an `undo:` command is itself not reversible.
        let withoutMarker = { (lines: [String]) in lines.filter { !$0.hasPrefix("etc/marker") } }
        let redone = try Self.snapshot(root)
        #expect(withoutMarker(redone) == withoutMarker(afterSecond), "\(Set(redone).symmetricDifference(afterSecond))")

        // Someone edits a file the run wrote: that file is refused, the rest proceeds.
        try "edited by hand\n".write(toFile: "\(root)/etc/motd", atomically: true, encoding: .utf8)
        let (_, thirdID) = try await record(harness, store, port: 81)
        try "edited again\n".write(toFile: "\(root)/etc/app.conf", atomically: true, encoding: .utf8)
        let (refused, refusedObserver) = try await rollBack(thirdID, harness, store)
        #expect(refused.exitCode == 2)
        let failures = await refusedObserver.reports.filter { $0.status == .failed }
        #expect(failures.contains { ($0.result.dictionary["msg"]?.text ?? "").contains("changed since the run") })
        #expect(harness.file("h17/etc/app.conf") == "edited again\n")
    }

    @Test("--check predicts what the rollback does: a file refused once stays refused for every later action on it")
    func checkMatchesRollback() async throws {
        let harness = try PlaybookHarness("rollback-check", hosts: [16])
        let store = try Store(home: try scratchDirectory("rollback-check-store"))
        try FileManager.default.createDirectory(atPath: "\(harness.directory)/h16", withIntermediateDirectories: true)
        let twice = """
            - hosts: all
              gather_facts: false
              tasks:
                - copy: { content: "v1\\n", dest: "{{ work }}/twice" }
                - copy: { content: "v2\\n", dest: "{{ work }}/twice" }
            """
        let info = RunInfo(playbook: "twice.yml", playbookSHA256: "", inventory: [], limit: nil, extraVars: [:], checkMode: false)
        var started: RunRecorder?
        let (recap, _) = try await harness.run(twice) { collecting in
            let recorder = try await RunRecorder.start(store: store, info: info, forwardingTo: collecting)
            started = recorder
            return recorder
        }
        let recorder = try #require(started)
        await recorder.finish(status: recap.status, recap: recap)
        try "changed by another run\n".write(toFile: "\(harness.directory)/h16/twice", atomically: true, encoding: .utf8)

        let outcomes = { (observer: CollectingObserver) async in await observer.reports.map { "\($0.item ?? "") \($0.status)" } }
        let (_, checked) = try await rollBack(recorder.runID, harness, store, check: true)
        let (_, real) = try await rollBack(recorder.runID, harness, store)
        let predicted = await outcomes(checked), happened = await outcomes(real)
        #expect(predicted.count == 2)
        #expect(predicted == happened)
        #expect(harness.file("h16/twice") == "changed by another run\n")
    }
}
