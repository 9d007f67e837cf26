import DroverCore
@testable import DroverStore
import Foundation
import GRDB
import Testing

@Suite("Store: the audit log's hash chain")
struct AuditLogTests {
    /// A log of `count` entries.
    static func log(_ label: String, count: Int) async throws -> TemporaryStore {
        let temporary = try TemporaryStore(label)
        for i in 1...count {
            try await temporary.store.appendAudit(actor: "alice", source: "10.0.0.\(i)", action: AuditAction.launch,
                                                  details: ["template": .string("job\(i)"), "limit": .string("web*")])
        }
        return temporary
    }

    /// Runs `sql` as someone with write access to the file would, past the
    /// triggers that keep the log append-only.
    static func tamper(_ temporary: TemporaryStore, _ sql: String) throws {
        try temporary.database().write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: sql)
        }
    }

    @Test("entries chain: each links to the previous hash and the chain verifies")
    func chain() async throws {
        let temporary = try await Self.log("audit-chain", count: 5)
        defer { temporary.close() }
        let page = try await temporary.store.auditEntries(limit: 10)
        #expect(page.entries.map(\.id) == [5, 4, 3, 2, 1])
        #expect(page.entries.last?.prevSHA256 == AuditChain.genesis)
        for (newer, older) in zip(page.entries, page.entries.dropFirst()) { #expect(newer.prevSHA256 == older.sha256) }
        #expect(page.entries[0].details == #"{"limit": "web*", "template": "job5"}"#)
        #expect(try await temporary.store.verifyAuditChain() == .intact(entries: 5, head: page.entries[0].sha256))
    }

    @Test("an empty log verifies")
    func empty() async throws {
        let temporary = try TemporaryStore("audit-empty")
        defer { temporary.close() }
        #expect(try await temporary.store.verifyAuditChain() == .intact(entries: 0, head: nil))
    }

    @Test("the triggers refuse UPDATE and DELETE")
    func appendOnly() async throws {
        let temporary = try await Self.log("audit-append-only", count: 2)
        defer { temporary.close() }
        #expect(throws: DatabaseError.self) { try temporary.database().write { db in try db.execute(sql: "UPDATE audit_log SET actor = 'x'") } }
        #expect(throws: DatabaseError.self) { try temporary.database().write { db in try db.execute(sql: "DELETE FROM audit_log") } }
    }

    @Test("an edited entry is reported as changed")
    func editedRow() async throws {
        let temporary = try await Self.log("audit-edit", count: 5)
        defer { temporary.close() }
        try Self.tamper(temporary, "UPDATE audit_log SET actor = 'mallory' WHERE id = 3")
        #expect(try await temporary.store.verifyAuditChain() == .broken(AuditBreak(id: 3, kind: .contentChanged)))
    }

    @Test("an entry edited with its hash recomputed breaks the next entry's link")
    func rehashedRow() async throws {
        let temporary = try await Self.log("audit-rehash", count: 5)
        defer { temporary.close() }
        let entry = try #require(try await temporary.store.auditEntries(before: 4, limit: 1).entries.first)
        let forged = AuditChain.hash(id: 3, at: entry.at, actor: "mallory", source: entry.source, action: entry.action,
                                     details: entry.details, prev: entry.prevSHA256)
        try Self.tamper(temporary, "UPDATE audit_log SET actor = 'mallory', sha256 = '\(forged)' WHERE id = 3")
        #expect(try await temporary.store.verifyAuditChain() == .broken(AuditBreak(id: 4, kind: .linkBroken(previousID: 3))))
    }

    @Test("a deleted entry is reported at the entry after it", arguments: [(3, 4, Int64?.some(2)), (1, 2, nil)])
    func deletedRow(deleted: Int, reported: Int64, previous: Int64?) async throws {
        let temporary = try await Self.log("audit-delete", count: 5)
        defer { temporary.close() }
        try Self.tamper(temporary, "DELETE FROM audit_log WHERE id = \(deleted)")
        let verification = try await temporary.store.verifyAuditChain()
        #expect(verification == .broken(AuditBreak(id: reported, kind: .linkBroken(previousID: previous))))
        if case .broken(let failure) = verification { #expect(failure.description.contains("entry \(reported)")) }
    }

    @Test("a deleted entry whose successor is relinked to the entry before it is reported as changed")
    func relinkedDeletion() async throws {
        let temporary = try await Self.log("audit-relink", count: 5)
        defer { temporary.close() }
        let second = try #require(try await temporary.store.auditEntries(before: 3, limit: 1).entries.first)
        try Self.tamper(temporary, "DELETE FROM audit_log WHERE id = 3; UPDATE audit_log SET prev_sha256 = '\(second.sha256)' WHERE id = 4")
        #expect(try await temporary.store.verifyAuditChain() == .broken(AuditBreak(id: 4, kind: .contentChanged)))
    }

    @Test("pages go newest first by keyset cursor, and filter by actor")
    func paging() async throws {
        let temporary = try await Self.log("audit-pages", count: 7)
        defer { temporary.close() }
        try await temporary.store.appendAudit(actor: "bob", source: "cli", action: AuditAction.tokenCreate)
        let first = try await temporary.store.auditEntries(limit: 3)
        #expect(first.entries.map(\.id) == [8, 7, 6] && first.nextCursor == 6)
        let second = try await temporary.store.auditEntries(before: first.nextCursor, limit: 3)
        #expect(second.entries.map(\.id) == [5, 4, 3] && second.nextCursor == 3)
        let last = try await temporary.store.auditEntries(before: second.nextCursor, limit: 3)
        #expect(last.entries.map(\.id) == [2, 1] && last.nextCursor == nil)
        #expect(try await temporary.store.auditEntries(actor: "bob").entries.map(\.id) == [8])
    }

    @Test("values of secret-looking names are hidden at any depth, as in a run's extra vars")
    func redaction() async throws {
        let temporary = try TemporaryStore("audit-redact")
        defer { temporary.close() }
        let extraVars = Value.dict(["port": .int(80), "api_key": .string("k-123"), "users": .list([.dict(["name": .string("x"), "password": .string("hunter22")])])])
        let entry = try await temporary.store.appendAudit(actor: "alice", source: "cli", action: AuditAction.launch,
                                                          details: ["token": .string("drv_secret"), "template": .string("deploy"), "extra_vars": extraVars])
        #expect(entry.details == #"{"extra_vars": {"api_key": "********", "port": 80, "users": [{"name": "x", "password": "********"}]}, "template": "deploy", "token": "********"}"#)
        #expect(try await temporary.store.verifyAuditChain() == .intact(entries: 1, head: entry.sha256))
    }

    @Test("concurrent appends from two stores on one file keep one chain")
    func concurrentAppends() async throws {
        let temporary = try TemporaryStore("audit-concurrent")
        defer { temporary.close() }
        let second = try Store(home: temporary.home)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in [temporary.store, second].enumerated() {
                group.addTask {
                    for i in 0..<20 { try await store.appendAudit(actor: "s\(index)", source: "cli", action: "test", details: ["i": .int(i)]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await temporary.store.verifyAuditChain() == .intact(entries: 40, head: try await temporary.store.auditEntries(limit: 1).entries[0].sha256))
    }
}
