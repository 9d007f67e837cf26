import DroverCore
import Foundation
import GRDB
import OrderedCollections

/// What `drover export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One JSON document: the run, its recap, every result.
    case json
    /// JUnit XML: one testsuite per host, one testcase per task result.
    case junit
}

extension Store {
    /// Writes run `id` in `format`, piece by piece (a run with a million
    /// results is never held in memory at once). Throws `notFound` for an
    /// unknown run.
    public func export(_ id: Int64, format: ExportFormat, to write: (String) throws -> Void) throws {
        switch format {
        case .json: try exportJSON(id, to: write)
        case .junit: try exportJUnit(id, to: write)
        }
    }

    /// The run, its recap and its results as one JSON object; each result
    /// on a line of its own. stdout/stderr are text when they are valid
    /// UTF-8, else `stdout_base64`/`stderr_base64`.
    public func exportJSON(_ id: Int64, to write: (String) throws -> Void) throws {
        try pool.read { db in
            let run = try Self.exportedRun(id, db: db)
            var recap = OrderedDictionary<String, Value>()
            for row in try Row.fetchAll(db, sql: "SELECT * FROM run_hosts WHERE run_id = ? ORDER BY host", arguments: [id]) {
                var counts = OrderedDictionary<String, Value>()
                for name in ["ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored", "cancelled"] { counts[name] = .int(row[name]) }
                recap[row["host"]] = .dict(counts)
            }
            try write("{\n  \"format\": \"drover-run/1\",\n")
            try write("  \"run\": \(Value.dict(run).jsonText()),\n")
            try write("  \"recap\": \(Value.dict(recap).jsonText()),\n")
            try write("  \"results\": [")
            let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM task_results WHERE run_id = ? ORDER BY seq", arguments: [id])
            var first = true
            while let row = try cursor.next() {
                try write((first ? "\n    " : ",\n    ") + Value.dict(try exportedResult(row)).jsonText())
                first = false
            }
            try write(first ? "]\n}\n" : "\n  ]\n}\n")
        }
    }

    /// JUnit XML in the shape Jenkins' junit-10.xsd describes: a testsuite
    /// per host (name and classname: the host), a testcase per result named
    /// by the task's title; failed results carry `<failure>` (msg, rc,
    /// stderr), unreachable ones `<error>`, skipped ones `<skipped/>`;
    /// ignored failures pass, as in Ansible's junit callback. Times come
    /// from each result's start and end.
    public func exportJUnit(_ id: Int64, to write: (String) throws -> Void) throws {
        try pool.read { db in
            let run = try Self.exportedRun(id, db: db)
            let suites = try Row.fetchAll(db, sql: """
                SELECT host, COUNT(id) AS tests,
                       COALESCE(SUM(status = 'failed' AND NOT ignored), 0) AS failures,
                       COALESCE(SUM(status = 'unreachable' AND NOT ignored), 0) AS errors,
                       COALESCE(SUM(status = 'skipped'), 0) AS skipped,
                       MIN(COALESCE(started_at, ended_at)) AS first, MAX(ended_at) AS last
                FROM (SELECT host, id, status, ignored, started_at, ended_at FROM task_results WHERE run_id = :id
                      UNION ALL SELECT host, NULL, NULL, 0, NULL, NULL FROM run_hosts WHERE run_id = :id)
                GROUP BY host ORDER BY host
                """, arguments: ["id": id])
            func total(_ column: String) -> Int { suites.reduce(0) { $0 + ($1[column] as Int) } }
            let started: Date = try Date.fetchOne(db, sql: "SELECT started_at FROM runs WHERE id = ?", arguments: [id]) ?? Date()
            let ended = try Date.fetchOne(db, sql: "SELECT ended_at FROM runs WHERE id = ?", arguments: [id])
            let name = "drover run \(id): \(run["playbook"]?.text ?? "")"
            try write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            try write("<testsuites" + JUnitXML.attributes([
                "name": name, "tests": String(total("tests")), "failures": String(total("failures")),
                "errors": String(total("errors")),
                "time": JUnitXML.seconds((ended ?? Date()).timeIntervalSince(started)),
            ]) + ">\n")
            let properties = ["run": String(id), "playbook": run["playbook"]?.text ?? "",
                              "playbook_sha256": run["playbook_sha256"]?.text ?? "", "status": run["status"]?.text ?? "",
                              "check_mode": run["check_mode"] == .bool(true) ? "true" : "false", "user": run["user"]?.text ?? "",
                              "controller": run["controller"]?.text ?? ""]
            for (index, suite) in suites.enumerated() {
                let host: String = suite["host"]
                let first: Date? = suite["first"], last: Date? = suite["last"]
                let time = first.flatMap { f in last.map { $0.timeIntervalSince(f) } } ?? 0
                try write("  <testsuite" + JUnitXML.attributes([
                    "name": host, "tests": String(suite["tests"] as Int), "failures": String(suite["failures"] as Int),
                    "errors": String(suite["errors"] as Int), "skipped": String(suite["skipped"] as Int),
                    "time": JUnitXML.seconds(time), "timestamp": JUnitXML.timestamp(first ?? started),
                    "hostname": host, "id": String(index),
                ]) + ">\n    <properties>\n")
                for key in ["run", "playbook", "playbook_sha256", "status", "check_mode", "user", "controller"] {
                    try write("      <property" + JUnitXML.attributes(["name": key, "value": properties[key] ?? ""]) + "/>\n")
                }
                try write("    </properties>\n")
                let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM task_results WHERE run_id = ? AND host = ? ORDER BY seq",
                                                 arguments: [id, host])
                while let row = try cursor.next() { try write(testcase(row, run: id)) }
                try write("  </testsuite>\n")
            }
            try write("</testsuites>\n")
        }
    }

    /// One `<testcase>`.
    private func testcase(_ row: Row, run: Int64) throws -> String {
        let host: String = row["host"], task: String = row["task"], item: String? = row["item"]
        let status: String = row["status"], ignored: Bool = row["ignored"]
        let rc: Int? = row["rc"], msg: String? = row["msg"]
        let started: Date? = row["started_at"], ended: Date = row["ended_at"]
        let stdout = try stream(row, "stdout") ?? [], stderr = try stream(row, "stderr") ?? []
        let note = "`drover logs \(run) --host \(host) --task \(row["task_index"] as Int)` prints it all"
        let limit = 64 * 1024
        var xml = "    <testcase" + JUnitXML.attributes([
            "name": task + (item.map { " (item=\($0))" } ?? ""), "classname": host,
            "time": JUnitXML.seconds(started.map { ended.timeIntervalSince($0) } ?? 0),
        ])
        var body = ""
        let counted = (status == "failed" || status == "unreachable") && !ignored
        if counted {
            let element = status == "failed" ? "failure" : "error"
            let message = msg ?? rc.map { "non-zero return code \($0)" } ?? status
            var details = [String]()
            if let rc { details.append("rc=\(rc)") }
            if let msg { details.append(msg) }
            if !stderr.isEmpty { details.append("stderr:\n" + JUnitXML.output(stderr, limit: limit, note: note)) }
            body += "      <\(element)" + JUnitXML.attributes(["message": message, "type": status])
                + ">" + JUnitXML.text(details.joined(separator: "\n")) + "</\(element)>\n"
        } else if status == "skipped" {
            body += "      <skipped" + (msg.map { JUnitXML.attributes(["message": $0]) } ?? "") + "/>\n"
        }
        if !stdout.isEmpty {
            body += "      <system-out>" + JUnitXML.text(JUnitXML.output(stdout, limit: limit, note: note)) + "</system-out>\n"
        }
        if !counted && (ignored || !stderr.isEmpty) {
            var err = ignored ? "\(status) (ignored)" + (rc.map { " rc=\($0)" } ?? "") + (msg.map { ": \($0)" } ?? "") + "\n" : ""
            if !stderr.isEmpty { err += JUnitXML.output(stderr, limit: limit, note: note) }
            body += "      <system-err>" + JUnitXML.text(err) + "</system-err>\n"
        }
        xml += body.isEmpty ? "/>\n" : ">\n" + body + "    </testcase>\n"
        return xml
    }

    /// A result's stdout or stderr bytes, nil when none was recorded.
    private func stream(_ row: Row, _ column: String) throws -> [UInt8]? {
        if let digest: String = row[column + "_blob"] { return try blobs.get(digest) }
        let data: Data? = row[column]
        return data.map(Array.init)
    }

    /// The run row, as exported (JSON values; dates in ISO 8601, UTC).
    static func exportedRun(_ id: Int64, db: Database) throws -> OrderedDictionary<String, Value> {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runs WHERE id = ?", arguments: [id]) else {
            throw StoreError(.notFound, "no run \(id): `drover runs` lists the recorded ones")
        }
        let started: Date = row["started_at"], ended: Date? = row["ended_at"]
        var run = OrderedDictionary<String, Value>()
        run["id"] = .int(Int(id))
        run["kind"] = .string(row["kind"])
        run["parent_run_id"] = (row["parent_run_id"] as Int?).map(Value.int) ?? .null
        run["playbook"] = .string(row["playbook"])
        run["playbook_sha256"] = .string(row["playbook_sha256"])
        run["inventory"] = .string(row["inventory"])
        run["limit"] = (row["limit_pattern"] as String?).map(Value.string) ?? .null
        run["extra_vars"] = json(row["extra_vars"])
        run["user"] = .string(row["user"])
        run["controller"] = .string(row["host_name"])
        run["pid"] = .int(row["pid"])
        run["check_mode"] = .bool(row["check_mode"])
        run["status"] = .string(row["status"])
        run["started_at"] = .string(isoDate(started))
        run["ended_at"] = ended.map { .string(isoDate($0)) } ?? .null
        run["duration"] = ended.map { .double(($0.timeIntervalSince(started) * 1000).rounded() / 1000) } ?? .null
        return run
    }

    private func exportedResult(_ row: Row) throws -> OrderedDictionary<String, Value> {
        var result = OrderedDictionary<String, Value>()
        func optional<T>(_ value: T?, _ wrap: (T) -> Value) -> Value { value.map(wrap) ?? .null }
        result["id"] = .int(row["id"])
        result["seq"] = .int(row["seq"])
        result["play"] = .string(row["play"])
        result["task_index"] = .int(row["task_index"])
        result["task"] = .string(row["task"])
        result["task_id"] = optional(row["task_id"] as String?, Value.string)
        result["location"] = optional(row["location"] as String?, Value.string)
        result["module"] = .string(row["module"])
        result["host"] = .string(row["host"])
        result["delegated_to"] = optional(row["delegated_to"] as String?, Value.string)
        result["item"] = optional(row["item"] as String?, Value.string)
        result["status"] = .string(row["status"])
        result["ignored"] = .bool(row["ignored"])
        result["rescued"] = .bool(row["rescued"])
        result["rc"] = optional(row["rc"] as Int?, Value.int)
        result["msg"] = optional(row["msg"] as String?, Value.string)
        for column in ["stdout", "stderr"] {
            guard let bytes = try stream(row, column) else { result[column] = .null; continue }
            if let text = String(validating: bytes, as: UTF8.self) {
                result[column] = .string(text)
            } else {
                result[column + "_base64"] = .string(Data(bytes).base64EncodedString())
            }
        }
        result["result"] = Self.json(row["result"])
        result["diff"] = (row["diff"] as String?).map(Self.json) ?? .null
        let started: Date? = row["started_at"], ended: Date = row["ended_at"]
        result["started_at"] = optional(started) { .string(Self.isoDate($0)) }
        result["ended_at"] = .string(Self.isoDate(ended))
        result["duration"] = optional(started) { .double((ended.timeIntervalSince($0) * 1000).rounded() / 1000) }
        return result
    }

    /// Stored JSON text as a value (kept as text if it does not parse).
    static func json(_ text: String) -> Value {
        (try? Value.parseJSON(text)) ?? .string(text)
    }

    static func isoDate(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
