import DroverCore
import Foundation
import GRDB

extension Store {
    /// A run's undo journal per host, in the order the changes were made.
    public func undoJournals(_ runID: Int64) throws -> [String: [UndoRecord]] {
        let blobs = self.blobs
        return try pool.read { try Self.undoJournals($0, runID, blobs: blobs) }
    }

    public func undoJournals(_ runID: Int64) async throws -> [String: [UndoRecord]] {
        let blobs = self.blobs
        return try await pool.read { try Self.undoJournals($0, runID, blobs: blobs) }
    }

    static func undoJournals(_ db: Database, _ runID: Int64, blobs: BlobStore) throws -> [String: [UndoRecord]] {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM undo_entries WHERE run_id = ? ORDER BY host, seq", arguments: [runID])
        var journals: [String: [UndoRecord]] = [:]
        for row in rows {
            let kind: String = row["kind"]
            let path: String = row["path"] ?? ""
            let previous = Self.pathState(row["previous"])
            let content: [UInt8]? = try (row["content_blob"] as String?).map { try blobs.get($0) }
            let entry: UndoEntry
            switch kind {
            case "file": entry = .file(path: path, previous: previous, content: content, after: row["after_sha256"])
            case "created_directory": entry = .createdDirectory(path: path)
            case "removed": entry = .removed(path: path, previous: previous, content: content)
            case "link": entry = .link(path: path, previous: previous)
            case "attributes": entry = .attributes(path: path, previous: previous)
            case "undo_command": entry = .undoCommand(path)
            case "censored": entry = .censored
            default: entry = .irreversible(description: path)
            }
            journals[row["host"], default: []].append(UndoRecord(sequence: row["seq"], entry: entry, task: row["task"] ?? ""))
        }
        return journals
    }

    /// Links a finished rollback to the run it undid.
    public func markRolledBack(_ runID: Int64, by rollbackID: Int64) throws {
        try pool.write { try Self.markRolledBack($0, runID, by: rollbackID) }
    }

    public func markRolledBack(_ runID: Int64, by rollbackID: Int64) async throws {
        try await pool.write { try Self.markRolledBack($0, runID, by: rollbackID) }
    }

    static func markRolledBack(_ db: Database, _ runID: Int64, by rollbackID: Int64) throws {
        try db.execute(sql: "UPDATE runs SET status = ?, rolled_back_by = ? WHERE id = ?",
                       arguments: [RunStatus.rolledBack.rawValue, rollbackID, runID])
    }

    /// The inventory sources and limit a run was started with.
    public func runTarget(_ runID: Int64) throws -> (inventory: [String], limit: String?) {
        try pool.read { try Self.runTarget($0, runID) }
    }

    public func runTarget(_ runID: Int64) async throws -> (inventory: [String], limit: String?) {
        try await pool.read { try Self.runTarget($0, runID) }
    }

    static func runTarget(_ db: Database, _ runID: Int64) throws -> (inventory: [String], limit: String?) {
        let row = try Row.fetchOne(db, sql: "SELECT inventory, limit_pattern FROM runs WHERE id = ?", arguments: [runID])
        guard let row else { throw StoreError(.notFound, "no run \(runID): `drover runs` lists the recorded ones") }
        let inventory: String = row["inventory"]
        return (inventory.split(separator: ",").map(String.init), row["limit_pattern"])
    }

    static func pathState(_ json: String?) -> PathState {
        guard let json, case .dict(let d)? = try? Value.parseJSON(json) else { return .absent }
        var meta: [String: String] = [:]
        for (key, value) in d {
            switch value {
            case .bool(let b): meta[key] = b ? "1" : "0"
            default: meta[key] = value.text
            }
        }
        return PathState(meta: meta)
    }
}
