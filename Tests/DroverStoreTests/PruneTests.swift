import DroverCore
@testable import DroverEngine
@testable import DroverStore
import DroverTestSupport
import Foundation
import GRDB
import Testing

@Suite("drover prune")
struct PruneTests {
    static func blobFiles(_ home: String) throws -> Set<String> {
        Set(try FileManager.default.subpathsOfDirectory(atPath: home + "/blobs").filter { $0.count > 3 }.map { String($0.suffix(64)) })
    }

    static func count(_ temp: TemporaryStore, _ table: String) throws -> Int {
        try temp.database().read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    @Test("old runs go with their hosts, results and undo entries; blobs nothing names any more are collected")
    func prune() async throws {
        let temp = try TemporaryStore("prune")
        defer { temp.close() }
        let shared = String(repeating: "shared output\n", count: 6_000)  // > 64 KiB, in both runs
        let onlyOld = String(repeating: "old output\n", count: 7_000)
        let previous = Array(String(repeating: "previous content\n", count: 10).utf8)
        let missing = PathState(exists: false)
        let old = try await record(temp.store, [
            report("h1", "big", .changed, stdout: shared, stderr: onlyOld, rc: 0),
            report("h1", "write", .changed, undo: [.file(path: "/etc/app.conf", previous: missing, content: previous)]),
            report("h2", "write", .changed, undo: [.createdDirectory(path: "/srv/app")]),
        ])
        let rollback = try await record(temp.store, [report("h1", "undo", .changed)],
                                        info: { var info = runInfo(); info.kind = .rollback; info.parentRunID = old; return info }())
        let new = try await record(temp.store, [report("h1", "big", .changed, stdout: shared, rc: 0)])
        let running = try await RunRecorder.start(store: temp.store, info: runInfo(), forwardingTo: NullObserver())
        try await temp.database().write { db in
            try db.execute(sql: "UPDATE runs SET started_at = ? WHERE id IN (?, ?)",
                           arguments: [Date(timeIntervalSinceNow: -40 * 86400), old, running.runID])
            try db.execute(sql: "UPDATE runs SET pid = 1 WHERE id = ?", arguments: [running.runID])
        }
        #expect(try Self.count(temp, "blob_refs") == 3)
        #expect(try Self.blobFiles(temp.home).count == 3)
        // A stray file (a write whose transaction failed), old enough to go.
        let stray = temp.home + "/blobs/ee/" + String(repeating: "e", count: 64)
        try FileManager.default.createDirectory(atPath: temp.home + "/blobs/ee", withIntermediateDirectories: true)
        try Data("stray".utf8).write(to: URL(fileURLWithPath: stray))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: stray)

        let cutoff = Date(timeIntervalSinceNow: -30 * 86400)
        let dry = try await temp.store.prune(olderThan: cutoff, dryRun: true)
        #expect(dry.runs == [old] && dry.results == 3 && dry.undoEntries == 2 && dry.keptRunning == 1)
        #expect(dry.blobs == 2 && dry.blobBytes == onlyOld.utf8.count + previous.count)
        #expect(dry.strayFiles == 1)
        // Nothing changed.
        #expect(try await temp.store.run(old).status == .succeeded)
        #expect(try Self.count(temp, "blob_refs") == 3)
        #expect(try Self.blobFiles(temp.home).count == 4)

        let report = try await temp.store.prune(olderThan: cutoff, chunk: 2)  // several transactions per table
        #expect(report.runs == dry.runs && report.results == dry.results && report.undoEntries == dry.undoEntries)
        #expect(report.blobs == dry.blobs && report.blobBytes == dry.blobBytes && report.strayFiles == 1)
        #expect(throws: StoreError.self) { try temp.store.run(old) }
        #expect(try await temp.store.run(running.runID).status == .running)
        #expect(try await temp.store.run(rollback).parentRunID == nil)
        for table in ["task_results", "undo_entries", "run_hosts"] {
            let left = try await temp.database().read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE run_id = ?", arguments: [old]) ?? -1
            }
            #expect(left == 0, "\(table)")
        }
        #expect(try Self.count(temp, "undo_entries") == 0)
        // The shared output is still there, byte for byte; the rest is gone.
        let digest = try #require(try await temp.database().read { db in try String.fetchOne(db, sql: "SELECT sha256 FROM blob_refs") })
        #expect(try Self.blobFiles(temp.home) == [digest])
        let result = try #require(try await temp.store.results(new).first)
        #expect(try await temp.store.output(resultID: result.id, stderr: false) == Array(shared.utf8))

        let again = try await temp.store.prune(olderThan: cutoff)
        #expect(again.runs.isEmpty && again.blobs == 0 && again.strayFiles == 0)
        #expect(report.runRanges == "\(old)")
    }

    @Test("a fresh blob file with no row yet is left alone; run ranges read well")
    func freshAndRanges() async throws {
        let temp = try TemporaryStore("prune-fresh")
        defer { temp.close() }
        let fresh = temp.home + "/blobs/dd/" + String(repeating: "d", count: 64)
        try FileManager.default.createDirectory(atPath: temp.home + "/blobs/dd", withIntermediateDirectories: true)
        try Data("being written".utf8).write(to: URL(fileURLWithPath: fresh))
        let report = try await temp.store.prune(olderThan: Date())
        #expect(report.strayFiles == 0)
        #expect(FileManager.default.fileExists(atPath: fresh))
        var ranges = PruneReport(cutoff: Date(), dryRun: false)
        ranges.runs = [1, 2, 3, 5, 7, 8]
        #expect(ranges.runRanges == "1-3, 5, 7-8")
    }
}
