import Foundation
import OrderedCollections

/// A run's typed events as JSON, both ways: the server writes them as its
/// SSE stream's `data:` (the `event:` name being the case), `drover remote
/// launch --follow` reads them back and prints them with the console that
/// `drover run` uses, so the two print the same. Everything that console
/// shows of an event is in its JSON (loop position, delegation, diffs,
/// round trips). Output bytes go as text (invalid UTF-8 replaced); a
/// no_log result goes censored, as on the console.
public enum RunEventJSON {
    public static func encode(_ event: RunEvent) -> (name: String, data: Value) {
        switch event {
        case .runStarted(let id):
            return ("run_started", .dict(["run_id": .int(Int(id))]))
        case .playStarted(let index, let name, let hosts):
            return ("play_started", .dict(["index": .int(index), "name": .string(name), "hosts": .list(hosts.map(Value.string))]))
        case .taskStarted(let id, let title, let module, let location, let hosts, let handler):
            return ("task_started", .dict(["task_id": .string(id.description), "title": .string(title), "module": .string(module),
                                           "location": optional(location?.description), "hosts": .int(hosts),
                                           "handler": .bool(handler)]))
        case .hostResult(let report):
            return ("host_result", result(report))
        case .output(let chunk):
            return ("output", .dict(["task_id": .string(chunk.taskID.description), "host": .string(chunk.host),
                                     "stream": .string(chunk.stream.rawValue), "sequence": .int(chunk.sequence),
                                     "text": .string(String(decoding: chunk.bytes, as: UTF8.self))]))
        case .message(let text):
            return ("message", .dict(["text": .string(text)]))
        case .recap(let recap):
            return ("recap", recapJSON(recap))
        case .runFinished(let status, let recap, let duration):
            return ("run_finished", .dict(["status": .string(status.rawValue), "recap": recap.map(recapJSON) ?? .null,
                                           "duration": .double(seconds(duration))]))
        }
    }

    public static func result(_ report: HostTaskReport) -> Value {
        // Censoring twice changes nothing: the engine censors already.
        let report = report.censored
        return .dict([
            "host": .string(report.host), "task_id": .string(report.taskID.description), "task": .string(report.task),
            "module": .string(report.module), "status": .string(report.status.rawValue), "ignored": .bool(report.ignored),
            "rescued": .bool(report.rescued), "item": optional(report.item),
            "loop": report.loop.map { .dict(["index": .int($0.index), "count": .int($0.count)]) } ?? .null,
            "delegated_to": optional(report.delegatedTo), "no_log": .bool(report.noLog), "show_result": .bool(report.showResult),
            "result": report.result, "diffs": .list(report.diffs.map { diff in
                .dict(["path": .string(diff.path), "before": .string(diff.before), "after": .string(diff.after),
                       "before_header": .string(diff.beforeHeader), "after_header": .string(diff.afterHeader)])
            }),
            "round_trips": .int(report.roundTrips), "duration": .double(seconds(report.duration)),
        ])
    }

    public static func recapJSON(_ recap: RunRecap) -> Value {
        var hosts = OrderedDictionary<String, Value>()
        for host in recap.hosts { hosts[host.name] = stats(host.stats) }
        return .dict(["hosts": .dict(hosts), "duration": .double(seconds(recap.duration))])
    }

    public static func stats(_ stats: HostStats) -> Value {
        .dict(["ok": .int(stats.ok), "changed": .int(stats.changed), "unreachable": .int(stats.unreachable), "failed": .int(stats.failed),
               "skipped": .int(stats.skipped), "rescued": .int(stats.rescued), "ignored": .int(stats.ignored),
               "cancelled": .int(stats.cancelled)])
    }

    public static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func optional(_ text: String?) -> Value { text.map(Value.string) ?? .null }
}

// MARK: - Decoding

extension RunEventJSON {
    /// An event's JSON that does not hold what its name promises.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// The event named `name` (an SSE `event:`) from its `data`; nil for a
    /// name this version does not know (a newer server's event, skipped).
    /// Also reads the store replay's `host_result` (a stored result: no
    /// loop position, delegation or diffs) with those fields absent.
    public static func decode(name: String, data: Value) throws(DecodingError) -> RunEvent? {
        let fields = Fields(name: name, value: data)
        switch name {
        case "run_started":
            return .runStarted(runID: Int64(try fields.int("run_id")))
        case "play_started":
            return .playStarted(index: try fields.int("index"), name: try fields.string("name"),
                                hosts: (fields["hosts"]?.listValue ?? []).compactMap(\.stringValue))
        case "task_started":
            return .taskStarted(id: try fields.taskID("task_id"), title: try fields.string("title"), module: fields.text("module") ?? "",
                                location: nil, hosts: fields.number("hosts") ?? 0, handler: fields.flag("handler"))
        case "host_result":
            return .hostResult(try report(fields))
        case "output":
            return .output(OutputChunk(taskID: try fields.taskID("task_id"), host: try fields.string("host"),
                                       stream: OutputChunk.Stream(rawValue: fields.text("stream") ?? "") ?? .stdout,
                                       sequence: fields.number("sequence") ?? 0, bytes: Array(try fields.string("text").utf8)))
        case "message":
            return .message(try fields.string("text"))
        case "recap":
            return .recap(try recap(data, name: name))
        case "run_finished":
            guard let status = RunStatus(rawValue: try fields.string("status")) else {
                throw DecodingError(description: "run_finished: `status` is not a run status")
            }
            let recap = fields["recap"].flatMap { $0 == .null ? nil : $0 }
            return .runFinished(status: status, recap: try recap.map { value throws(DecodingError) in try self.recap(value, name: name) },
                                duration: duration(fields["duration"]))
        default:
            return nil
        }
    }

    static func report(_ fields: Fields) throws(DecodingError) -> HostTaskReport {
        guard let status = TaskStatus(rawValue: try fields.string("status")) else {
            throw DecodingError(description: "host_result: `status` is not a task status")
        }
        // A stored result of a task outside a playbook has no id.
        let taskID = fields.text("task_id").flatMap(TaskID.init) ?? .unplaced
        var report = HostTaskReport(host: try fields.string("host"), taskID: taskID, delegatedTo: fields.text("delegated_to"),
                                    status: status, ignored: fields.flag("ignored"), rescued: fields.flag("rescued"),
                                    item: fields.text("item"), result: fields["result"] ?? .dict([:]))
        if case .dict(let loop)? = fields["loop"], case .int(let index)? = loop["index"], case .int(let count)? = loop["count"] {
            report.loop = LoopPosition(index: index, count: count)
        }
        report.noLog = fields.flag("no_log")
        report.showResult = fields.flag("show_result")
        report.module = fields.text("module") ?? ""
        report.task = fields.text("task") ?? ""
        report.roundTrips = fields.number("round_trips") ?? 0
        report.duration = duration(fields["duration"])
        for diff in fields["diffs"]?.listValue ?? [] {
            let entry = Fields(name: "host_result diff", value: diff)
            report.diffs.append(FileDiff(path: try entry.string("path"), before: entry.text("before") ?? "", after: entry.text("after") ?? "",
                                         beforeHeader: entry.text("before_header"), afterHeader: entry.text("after_header")))
        }
        return report
    }

    static func recap(_ value: Value, name: String) throws(DecodingError) -> RunRecap {
        let fields = Fields(name: name, value: value)
        guard case .dict(let hosts)? = fields["hosts"] else { throw DecodingError(description: "\(name): `hosts` is not an object") }
        var result: [(name: String, stats: HostStats)] = []
        for (host, counts) in hosts {
            let c = Fields(name: name, value: counts)
            result.append((host, HostStats(ok: c.number("ok") ?? 0, changed: c.number("changed") ?? 0,
                                           unreachable: c.number("unreachable") ?? 0, failed: c.number("failed") ?? 0,
                                           skipped: c.number("skipped") ?? 0, rescued: c.number("rescued") ?? 0,
                                           ignored: c.number("ignored") ?? 0, cancelled: c.number("cancelled") ?? 0)))
        }
        return RunRecap(hosts: result, duration: duration(fields["duration"]))
    }

    static func duration(_ value: Value?) -> Duration {
        switch value {
        case .double(let seconds)?: return .nanoseconds(Int64((seconds * 1e9).rounded()))
        case .int(let seconds)?: return .seconds(seconds)
        default: return .zero
        }
    }

    /// An event's object, read field by field with errors that name them.
    struct Fields {
        let name: String
        let object: OrderedDictionary<String, Value>

        init(name: String, value: Value) {
            self.name = name
            if case .dict(let object) = value { self.object = object } else { self.object = [:] }
        }

        subscript(key: String) -> Value? { object[key] }

        func text(_ key: String) -> String? { object[key]?.stringValue }

        func string(_ key: String) throws(DecodingError) -> String {
            guard let text = text(key) else { throw DecodingError(description: "\(name): `\(key)` is missing or not a string") }
            return text
        }

        func number(_ key: String) -> Int? {
            if case .int(let number)? = object[key] { return number }
            return nil
        }

        func int(_ key: String) throws(DecodingError) -> Int {
            guard let number = number(key) else { throw DecodingError(description: "\(name): `\(key)` is missing or not a whole number") }
            return number
        }

        func flag(_ key: String) -> Bool { object[key] == .bool(true) }

        func taskID(_ key: String) throws(DecodingError) -> TaskID {
            guard let id = TaskID(try string(key)) else { throw DecodingError(description: "\(name): `\(key)` is not a task id") }
            return id
        }
    }
}
