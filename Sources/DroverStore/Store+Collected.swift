import Foundation
import GRDB

/// A log brought back by `collect` or `collect_on_failure`.
public struct CollectedLogEntry: Sendable {
    public var host: String
    public var source: String
    public var size: Int
    public var collectedAt: Date
    let blob: String
}

extension Store {
    /// A run's collected logs, by host then source.
    public func collectedLogs(_ runID: Int64, host: String? = nil) throws -> [CollectedLogEntry] {
        try pool.read { try Self.collectedLogs($0, runID, host: host) }
    }

    public func collectedLogs(_ runID: Int64, host: String? = nil) async throws -> [CollectedLogEntry] {
        try await pool.read { try Self.collectedLogs($0, runID, host: host) }
    }

    static func collectedLogs(_ db: Database, _ runID: Int64, host: String?) throws -> [CollectedLogEntry] {
        var sql = "SELECT * FROM collected_logs WHERE run_id = ?"
        var arguments: StatementArguments = [runID]
        if let host { sql += " AND host = ?"; _ = arguments.append(contentsOf: [host]) }
        sql += " ORDER BY host, id"
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map {
            CollectedLogEntry(host: $0["host"], source: $0["source"], size: $0["size"], collectedAt: $0["collected_at"], blob: $0["content_blob"])
        }
    }

    /// The exact bytes of a collected log.
    public func content(of log: CollectedLogEntry) throws -> [UInt8] {
        try blobs.get(log.blob)
    }

    /// Read on a Dispatch thread: blob files can be large.
    public func content(of log: CollectedLogEntry) async throws -> [UInt8] {
        let blobs = self.blobs
        return try await BlobStore.offThePool { try blobs.get(log.blob) }
    }
}
