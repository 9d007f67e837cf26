import DroverCore
import Foundation
import GRDB

/// The audit log: append, page through, verify. Entries are chained by
/// SHA-256 (`AuditChain`); appends take SQLite's write lock before reading
/// the last entry, so two processes never both extend the same one.
extension Store {
    @discardableResult
    public func appendAudit(actor: String, source: String, action: String, details: [String: Value] = [:],
                            at: Date = Date()) async throws -> AuditEntry {
        let json = AuditChain.detailsJSON(details)
        let stamp = AuditChain.format(at)
        return try await pool.writeWithoutTransaction { db in
            var entry: AuditEntry?
            try db.inTransaction(.immediate) {
                let last = try Row.fetchOne(db, sql: "SELECT id, sha256 FROM audit_log ORDER BY id DESC LIMIT 1")
                let id = (last.map { $0["id"] as Int64 } ?? 0) + 1
                let prev = last.map { $0["sha256"] as String } ?? AuditChain.genesis
                let sha = AuditChain.hash(id: id, at: stamp, actor: actor, source: source, action: action, details: json, prev: prev)
                try db.execute(sql: """
                    INSERT INTO audit_log (id, at, actor, source, action, details, prev_sha256, sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [id, stamp, actor, source, action, json, prev, sha])
                entry = AuditEntry(id: id, at: stamp, actor: actor, source: source, action: action, details: json, prevSHA256: prev, sha256: sha)
                return .commit
            }
            return entry!
        }
    }

    /// Up to `limit` entries older than `cursor` (all when nil), newest
    /// first: keyset paging, so a page costs the same at any depth.
    public func auditEntries(before cursor: Int64? = nil, actor: String? = nil, limit: Int = 50) async throws -> AuditPage {
        let size = max(1, min(limit, 1000))
        let entries = try await pool.read { db in
            try AuditEntry.fetchAll(db, sql: """
                SELECT * FROM audit_log WHERE id < ? AND (? IS NULL OR actor = ?) ORDER BY id DESC LIMIT ?
                """, arguments: [cursor ?? Int64.max, actor, actor, size])
        }
        return AuditPage(entries: entries, nextCursor: entries.count == size ? entries.last?.id : nil)
    }

    /// Walks the whole chain, oldest first, and reports the first entry
    /// that was changed or that does not link to the one before it.
    public func verifyAuditChain() async throws -> AuditVerification {
        try await pool.read { db in
            let rows = try AuditEntry.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
            var previous: AuditEntry?
            var count = 0
            while let entry = try rows.next() {
                if entry.prevSHA256 != (previous?.sha256 ?? AuditChain.genesis) {
                    return .broken(AuditBreak(id: entry.id, kind: .linkBroken(previousID: previous?.id)))
                }
                if AuditChain.hash(entry) != entry.sha256 {
                    return .broken(AuditBreak(id: entry.id, kind: .contentChanged))
                }
                previous = entry
                count += 1
            }
            return .intact(entries: count, head: previous?.sha256)
        }
    }
}
