import DroverCore
import DroverRuntime
import DroverStore
import Foundation
import Hummingbird
import NIOCore

/// `GET /api/v1/runs/{id}/events`: the run's typed events as Server-Sent
/// Events, ending with `run_finished`. A run of this server streams live
/// from its hub (ids are the hub's sequence numbers, so `Last-Event-ID`
/// resumes exactly); a queued one waits for its start; any other run (an
/// older one, or the CLI's) is replayed from the store, as `host_result`
/// events whose ids are `r` + the result id, followed while it runs.
extension Controller {
    func addRunEventRoutes(to router: Router<ServerContext>) {
        router.get("/api/v1/runs/{id}/events") { request, context in
            _ = try await self.gatekeeper.authorize(request, context, .readRuns)
            let id = try PathParameter.runID(context)
            _ = try await self.storedRun(id)
            let resume = try EventCursor(request.headers[.init("Last-Event-ID")!])
            let body = ResponseBody { writer in
                try await self.stream(run: id, from: resume, to: &writer)
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
    }

    func stream(run id: Int64, from resume: EventCursor, to writer: inout any ResponseBodyWriter) async throws {
        while await queue.isWaiting(id) {
            guard await !queue.isDraining else {
                try await writer.write(SSE.frame(id: nil, name: "message", data: .dict(["text": .string("the server is shutting down; the run stays queued")])))
                return
            }
            try await Swift.Task.sleep(for: .milliseconds(200))
        }
        if let handle = await queue.handle(id) {
            let after: Int
            if case .live(let sequence) = resume { after = sequence } else { after = 0 }
            for await numbered in handle.events(after: after, buffer: 1 << 14) {
                let (name, data) = RunEventJSON.encode(numbered.event)
                try await writer.write(SSE.frame(id: String(numbered.sequence), name: name, data: data))
            }
            return
        }
        try await replay(run: id, from: resume, to: &writer)
    }

    /// From the store: results after the cursor, polled while the run is
    /// not over, then its end.
    func replay(run id: Int64, from resume: EventCursor, to writer: inout any ResponseBodyWriter) async throws {
        var lastResult: Int64 = 0
        if case .stored(let after) = resume { lastResult = after }
        while true {
            let run = try await storedRun(id)
            // In arrival (id) order, as the ids resume: the store lists by task and host, and a
            // host that finished a task first has the lower ids.
            for result in try await store.results(id).sorted(by: { $0.id < $1.id }) where result.id > lastResult {
                lastResult = result.id
                try await writer.write(SSE.frame(id: "r\(result.id)", name: "host_result", data: storedResultJSON(result)))
            }
            if run.status.isFinal {
                var hosts: [(name: String, stats: HostStats)] = []
                for (host, stats) in try await store.recap(id) { hosts.append((host, stats)) }
                let duration = run.endedAt.map { Duration.milliseconds(Int64($0.timeIntervalSince(run.startedAt) * 1000)) } ?? .zero
                let (name, data) = RunEventJSON.encode(.runFinished(status: run.status, recap: RunRecap(hosts: hosts, duration: duration),
                                                                 duration: duration))
                try await writer.write(SSE.frame(id: "r\(lastResult)", name: name, data: data))
                return
            }
            try await Swift.Task.sleep(for: .milliseconds(500))
        }
    }

    func storedResultJSON(_ result: StoredResult) -> Value {
        .dict(["result_id": .int(Int(result.id)), "host": .string(result.host), "task_id": JSONResponse.optional(result.taskID?.description),
               "task": .string(result.task), "module": .string(result.module), "status": .string(result.status.rawValue),
               "ignored": .bool(result.ignored), "rescued": .bool(result.rescued), "item": JSONResponse.optional(result.item),
               "rc": result.rc.map { .int($0) } ?? .null, "msg": JSONResponse.optional(result.msg),
               "result": (try? Value.parseJSON(result.result)) ?? .string(result.result)])
    }
}

/// Where a reconnecting client stopped: a live sequence number, or a
/// stored result id (`r123`).
enum EventCursor: Equatable {
    case start
    case live(Int)
    case stored(Int64)

    /// Exactly the OpenAPI document's `^(r?[0-9]+)?$`, at most 18 characters.
    init(_ header: String?) throws {
        guard let header, !header.isEmpty else { self = .start; return }
        let stored = header.hasPrefix("r")
        let digits = header.utf8.dropFirst(stored ? 1 : 0)
        guard header.utf8.count <= 18, !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
              let number = Int64(String(decoding: digits, as: UTF8.self)) else {
            throw APIError(.badRequest, .badCursor, "Last-Event-ID `\(header.prefix(40))` is not an id this server sent", field: "Last-Event-ID")
        }
        self = stored ? .stored(number) : .live(Int(number))
    }
}

/// The text/event-stream framing.
enum SSE {
    static func frame(id: String?, name: String, data: Value) -> ByteBuffer {
        var text = ""
        if let id { text += "id: \(id)\n" }
        text += "event: \(name)\ndata: \(data.jsonText())\n\n"
        return ByteBuffer(string: text)
    }
}
