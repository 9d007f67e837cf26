import DroverCore
import Foundation
import GRDB
import OrderedCollections

/// One host's result for one task, ready to insert.
struct ResultRow: Sendable {
    var play: String
    var task: String
    var taskID: TaskID
    var taskIndex: Int
    var sequence: Int
    var location: String?
    var module: String
    var host: String
    var delegatedTo: String?
    var item: String?
    var status: TaskStatus
    var ignored: Bool
    var rescued: Bool
    var rc: Int?
    var stdout: [UInt8]?
    var stderr: [UInt8]?
    var msg: String?
    var result: String
    var diff: String?
    var started: Date?
    var ended: Date
    var undo: [UndoEntry]
    var collected: [CollectedLog]

    init(_ report: HostTaskReport, play: String, taskIndex: Int, sequence: Int) {
        // The engine censors no_log reports already; whoever else reports,
        // nothing of a no_log task reaches the store either way.
        let report = report.censored
        self.play = play
        task = report.task
        taskID = report.taskID
        self.taskIndex = taskIndex
        self.sequence = sequence
        location = report.location.map { "\($0.file):\($0.line):\($0.column)" }
        module = report.module
        host = report.host
        delegatedTo = report.delegatedTo
        item = report.item
        status = report.status
        ignored = report.ignored
        rescued = report.rescued
        var dict: OrderedDictionary<String, Value> = [:]
        if case .dict(let fields) = report.result { dict = fields }
        if case .int(let code)? = dict["rc"] { rc = code }
        stdout = dict["stdout"].map { Array($0.text.utf8) }
        stderr = dict["stderr"].map { Array($0.text.utf8) }
        if case .string(let m)? = dict["msg"] { msg = m }
        result = report.result.jsonText()
        if !report.diffs.isEmpty {
            diff = Value.list(report.diffs.map { .dict(["path": .string($0.path), "before": .string($0.before), "after": .string($0.after)]) }).jsonText()
        }
        undo = report.undo
        started = report.started
        ended = Date()
        collected = report.collected
    }

    /// Writes the payloads that go to blob files (outputs over the inline
    /// limit, collected logs, undo contents); returns their digests.
    /// Blocking file I/O: called off the cooperative pool, before the
    /// row's transaction.
    func writeBlobs(to store: BlobStore) throws -> ResultBlobs {
        func big(_ bytes: [UInt8]?) throws -> String? {
            guard let bytes, bytes.count > RunRecorder.inlineLimit else { return nil }
            return try store.put(bytes)
        }
        return ResultBlobs(stdout: try big(stdout), stderr: try big(stderr),
                           collected: try collected.map { try store.put($0.content) },
                           undo: try undo.map { entry in try entry.encoded.content.map { try store.put($0) } })
    }

    /// Inserts the row and what hangs off it, naming the blobs
    /// `writeBlobs` wrote.
    func insert(into db: Database, run: Int64, blobs: ResultBlobs, store: BlobStore) throws {
        // A prune may have deleted a blob file between `writeBlobs` and
        // this transaction (an equal payload of a pruned run): now that this
        // transaction holds the write lock no prune can, so a missing file
        // is written again and stays.
        func reference(_ digest: String, _ bytes: [UInt8]) throws {
            try db.execute(sql: "INSERT OR IGNORE INTO blob_refs (sha256, size) VALUES (?, ?)", arguments: [digest, bytes.count])
            if !store.exists(digest) { try store.write(bytes, as: digest) }
        }
        func split(_ bytes: [UInt8]?, _ digest: String?) throws -> Data? {
            guard let bytes else { return nil }
            guard let digest else { return Data(bytes) }
            try reference(digest, bytes)
            return nil
        }
        let out = try split(stdout, blobs.stdout)
        let err = try split(stderr, blobs.stderr)
        // A cached statement: prepared once per connection, not per row (3x faster).
        try db.cachedStatement(sql: """
            INSERT INTO task_results (run_id, seq, task_index, task_id, play, task, location, module, host, delegated_to, item, status,
                                      ignored, rescued, rc, stdout, stdout_blob, stderr, stderr_blob, msg, result, diff, started_at, ended_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [run, sequence, taskIndex, taskID == .unplaced ? nil : taskID.description, play, task, location,
                                     module, host, delegatedTo, item, status.rawValue, ignored, rescued, rc, out, blobs.stdout, err,
                                     blobs.stderr, msg, result, diff, started, ended])
        let resultID = db.lastInsertedRowID
        for (log, digest) in zip(collected, blobs.collected) {
            try reference(digest, log.content)
            try db.execute(sql: "INSERT INTO collected_logs (run_id, host, source, content_blob, size, collected_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [run, host, log.source, digest, log.content.count, ended])
        }
        for (offset, (entry, blob)) in zip(undo, blobs.undo).enumerated() {
            let encoded = entry.encoded
            if let blob, let content = encoded.content { try reference(blob, content) }
            try db.execute(sql: """
                INSERT INTO undo_entries (run_id, host, seq, task_result_id, kind, path, previous, content_blob, after_sha256, task)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run, host, sequence * 1000 + offset, resultID, encoded.kind, encoded.path, encoded.previous, blob,
                                 entry.after, task])
        }
    }
}

/// The blob digests of one result row, written before its transaction.
struct ResultBlobs: Sendable {
    var stdout: String?
    var stderr: String?
    var collected: [String]
    var undo: [String?]
}

extension UndoEntry {
    /// Kind, path, previous state as JSON, and content (to a blob).
    /// The SHA-256 the run left at the path, when known.
    var after: String? {
        if case .file(_, _, _, let after) = self { return after }
        return nil
    }

    var encoded: (kind: String, path: String?, previous: String?, content: [UInt8]?) {
        switch self {
        case .file(let path, let previous, let content, _): return ("file", path, previous.json, content)
        case .createdDirectory(let path): return ("created_directory", path, nil, nil)
        case .removed(let path, let previous, let content): return ("removed", path, previous.json, content)
        case .link(let path, let previous): return ("link", path, previous.json, nil)
        case .attributes(let path, let previous): return ("attributes", path, previous.json, nil)
        case .irreversible(let description): return ("irreversible", description, nil, nil)
        case .undoCommand(let command): return ("undo_command", command, nil, nil)
        case .censored: return ("censored", nil, nil, nil)
        }
    }
}

extension PathState {
    var json: String {
        var d: [(String, Value)] = [("exists", .bool(exists))]
        if let kind { d.append(("type", .string(kind.rawValue))) }
        if let mode { d.append(("mode", .string(mode))) }
        if let owner { d.append(("owner", .string(owner))) }
        if let group { d.append(("group", .string(group))) }
        if let uid { d.append(("uid", .int(uid))) }
        if let gid { d.append(("gid", .int(gid))) }
        if let size { d.append(("size", .int(size))) }
        if let target { d.append(("target", .string(target))) }
        return Value.dict(.init(uniqueKeysWithValues: d)).jsonText()
    }
}
