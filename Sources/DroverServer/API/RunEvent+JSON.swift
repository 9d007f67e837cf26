import DroverCore
import Foundation
import OrderedCollections

/// A run's typed events as JSON (the SSE stream's `data:`), the `event:`
/// name being the case. Output bytes go as text (invalid UTF-8 replaced);
/// a no_log result is censored here as on the console.
enum EventJSON {
    static func encode(_ event: RunEvent) -> (name: String, data: Value) {
        switch event {
        case .runStarted(let id):
            return ("run_started", .dict(["run_id": .int(Int(id))]))
        case .playStarted(let index, let name, let hosts):
            return ("play_started", .dict(["index": .int(index), "name": .string(name), "hosts": .list(hosts.map(Value.string))]))
        case .taskStarted(let id, let title, let module, let location, let hosts, let handler):
            return ("task_started", .dict(["task_id": .string(id.description), "title": .string(title), "module": .string(module),
                                           "location": JSONResponse.optional(location?.description), "hosts": .int(hosts),
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

    static func result(_ report: HostTaskReport) -> Value {
        .dict(["host": .string(report.host), "task_id": .string(report.taskID.description), "task": .string(report.task),
               "module": .string(report.module), "status": .string(report.status.rawValue), "ignored": .bool(report.ignored),
               "rescued": .bool(report.rescued), "item": JSONResponse.optional(report.item),
               "result": report.noLog ? .string("the output has been hidden due to the fact that 'no_log: true' was specified for this result")
                                      : report.result,
               "duration": .double(seconds(report.duration))])
    }

    static func recapJSON(_ recap: RunRecap) -> Value {
        var hosts = OrderedDictionary<String, Value>()
        for host in recap.hosts { hosts[host.name] = stats(host.stats) }
        return .dict(["hosts": .dict(hosts), "duration": .double(seconds(recap.duration))])
    }

    static func stats(_ stats: HostStats) -> Value {
        .dict(["ok": .int(stats.ok), "changed": .int(stats.changed), "unreachable": .int(stats.unreachable), "failed": .int(stats.failed),
               "skipped": .int(stats.skipped), "rescued": .int(stats.rescued), "ignored": .int(stats.ignored),
               "cancelled": .int(stats.cancelled)])
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
