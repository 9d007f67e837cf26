import Foundation
import GRDB

/// Which results `drover logs` prints.
public struct LogSelection: Sendable {
    /// Only this host's results.
    public var host: String?
    /// A task's number in the run (its `task_index`, 1-based) or its title:
    /// an exact title first, else every title containing the text
    /// (case-insensitive).
    public var task: String?
    /// stderr instead of stdout.
    public var stderr = false

    public init(host: String? = nil, task: String? = nil, stderr: Bool = false) {
        self.host = host
        self.task = task
        self.stderr = stderr
    }
}

/// One result a log selection matched (the bytes are read with
/// `Store.output(resultID:stderr:)`).
public struct LogEntry: Sendable {
    public var resultID: Int64
    public var host: String
    public var taskIndex: Int
    public var task: String
    public var item: String?
    /// Whether the stream was recorded at all (modules without stdout, and
    /// `no_log` results, record none).
    public var recorded: Bool
    /// Its size in bytes.
    public var size: Int

    /// `==> [host] task (item=…) <==`, as `drover logs` writes it to stderr
    /// before each result when several match.
    public var header: String {
        "==> [\(host)] \(task)\(item.map { " (item=\($0))" } ?? "") <=="
    }
}

extension Store {
    /// The results of run `id` that `selection` matches, in task order, then
    /// host. Throws `notFound` (with what there is instead) when the run, the
    /// host or the task is not in the run.
    public func logs(_ id: Int64, _ selection: LogSelection) throws -> [LogEntry] {
        try pool.read { try Self.logs($0, id, selection) }
    }

    public func logs(_ id: Int64, _ selection: LogSelection) async throws -> [LogEntry] {
        try await pool.read { try Self.logs($0, id, selection) }
    }

    static func logs(_ db: Database, _ id: Int64, _ selection: LogSelection) throws -> [LogEntry] {
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM runs WHERE id = ?", arguments: [id]) != nil else {
            throw StoreError(.notFound, "no run \(id): `drover runs` lists the recorded ones")
        }
        var clauses = ["run_id = ?"]
        var arguments: StatementArguments = [id]
        if let host = selection.host {
            let hosts = try String.fetchAll(db, sql: "SELECT DISTINCT host FROM task_results WHERE run_id = ? ORDER BY host",
                                            arguments: [id])
            guard hosts.contains(host) else {
                throw StoreError(.notFound, "run \(id) has no results for host `\(host)`; its hosts are: "
                    + Self.shortList(hosts))
            }
            clauses.append("host = ?")
            _ = arguments.append(contentsOf: [host])
        }
        if let task = selection.task {
            let indexes = try Self.taskIndexes(matching: task, run: id, db: db)
            clauses.append("task_index IN (\(indexes.map(String.init).joined(separator: ",")))")
        }
        let column = selection.stderr ? "stderr" : "stdout"
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, host, task_index, task, item,
                   (\(column) IS NOT NULL OR \(column)_blob IS NOT NULL) AS recorded,
                   COALESCE(length(\(column)), (SELECT size FROM blob_refs WHERE sha256 = \(column)_blob), 0) AS size
            FROM task_results WHERE \(clauses.joined(separator: " AND "))
            ORDER BY task_index, host, seq
            """, arguments: arguments)
        return rows.map { row in
            LogEntry(resultID: row["id"], host: row["host"], taskIndex: row["task_index"], task: row["task"],
                     item: row["item"], recorded: row["recorded"], size: row["size"])
        }
    }

    /// The tasks of a run: number and title, in run order.
    public func tasks(_ id: Int64) throws -> [(index: Int, title: String)] {
        try pool.read { db in try Self.tasks(run: id, db: db) }
    }

    public func tasks(_ id: Int64) async throws -> [(index: Int, title: String)] {
        try await pool.read { db in try Self.tasks(run: id, db: db) }
    }

    static func tasks(run id: Int64, db: Database) throws -> [(index: Int, title: String)] {
        try Row.fetchAll(db, sql: """
            SELECT task_index, MIN(task) AS task FROM task_results WHERE run_id = ? GROUP BY task_index ORDER BY task_index
            """, arguments: [id]).map { ($0["task_index"], $0["task"]) }
    }

    /// `N` is a task number; otherwise an exact title, else titles that
    /// contain the text (case-insensitive).
    static func taskIndexes(matching text: String, run id: Int64, db: Database) throws -> [Int] {
        let tasks = try tasks(run: id, db: db)
        let listing = Self.shortList(tasks.map { "\($0.index) \($0.title)" })
        if let number = Int(text) {
            guard tasks.contains(where: { $0.index == number }) else {
                throw StoreError(.notFound, "run \(id) has no task number \(number); its tasks are: \(listing)")
            }
            return [number]
        }
        let exact = tasks.filter { $0.title == text }.map(\.index)
        if !exact.isEmpty { return exact }
        let partial = tasks.filter { $0.title.localizedCaseInsensitiveContains(text) }.map(\.index)
        guard !partial.isEmpty else {
            throw StoreError(.notFound, "run \(id) has no task named `\(text)`; give a number or a title: \(listing)")
        }
        return partial
    }

    static func shortList(_ items: [String], limit: Int = 20) -> String {
        if items.isEmpty { return "(none)" }
        let shown = items.prefix(limit).joined(separator: ", ")
        return items.count > limit ? "\(shown), … (\(items.count - limit) more)" : shown
    }
}
