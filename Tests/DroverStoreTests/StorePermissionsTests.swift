import DroverCore
@testable import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// Run output can hold secrets: only the store's owner may read it.
@Suite("run store permissions")
struct StorePermissionsTests {
    /// Records a run whose stdout is over the inline limit, so a blob file is written.
    static func recordBlob(_ store: Store) async throws {
        let big = String(repeating: "secret output\n", count: RunRecorder.inlineLimit / 10)
        try await record(store, [report("h1", "dump", .changed, stdout: big, rc: 0)])
    }

    /// Every file and directory of the store, with its permission bits.
    static func modes(_ home: String) throws -> [String: Int] {
        var modes = ["": try mode(home)]
        let walker = try #require(FileManager.default.enumerator(atPath: home))
        while let path = walker.nextObject() as? String { modes[path] = try mode("\(home)/\(path)") }
        return modes
    }

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int) & 0o777
    }

    static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    @Test("a new store is private: directories 0700; the database, its WAL and SHM, and blob files 0600")
    func newStoreIsPrivate() async throws {
        let parent = try scratchDirectory("perm-new")
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let home = "\(parent)/drover"
        let store = try Store(home: home)
        try await Self.recordBlob(store)
        let modes = try Self.modes(home)
        #expect(modes["drover.sqlite-wal"] != nil && modes["drover.sqlite-shm"] != nil, "\(modes)")
        #expect(modes.keys.contains { $0.hasPrefix("blobs/") && !Self.isDirectory("\(home)/\($0)") }, "\(modes)")
        for (path, mode) in modes {
            let expected = Self.isDirectory("\(home)/\(path)") ? 0o700 : 0o600
            #expect(mode == expected, "\(path.isEmpty ? home : path) is \(String(mode, radix: 8)), not \(String(expected, radix: 8))")
        }
    }

    @Test("opening a store others can read makes it private, and says what it changed")
    func existingStoreIsTightened() async throws {
        let home = try scratchDirectory("perm-old")
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await Self.recordBlob(try Store(home: home))
        // What an older drover left: world-readable directories and files.
        for path in try Self.modes(home).keys {
            chmod("\(home)/\(path)", Self.isDirectory("\(home)/\(path)") ? 0o755 : 0o644)
        }
        let reopened = try Store(home: home)
        for (path, mode) in try Self.modes(home) {
            let expected = Self.isDirectory("\(home)/\(path)") ? 0o700 : 0o600
            #expect(mode == expected, "\(path.isEmpty ? home : path) is \(String(mode, radix: 8)), not \(String(expected, radix: 8))")
        }
        #expect(Set(reopened.tightened).isSuperset(of: [".", "blobs", "drover.sqlite"]), "\(reopened.tightened)")
        #expect(reopened.tightened.contains { $0.hasPrefix("blobs/") }, "\(reopened.tightened)")
        #expect(try Store(home: home).tightened.isEmpty)
    }
}
