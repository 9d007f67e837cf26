import Dispatch
import DroverClient
import DroverCore
import Foundation

/// Follows a server run's event stream and prints it with the console
/// `drover run` uses, fed with the decoded `RunEvent`s, so both print the
/// same. A dropped stream is resumed with `Last-Event-ID`; a run the
/// server no longer holds in memory is replayed from its store (results
/// only: their task banners and the recap are made from the results).
struct RemoteFollow {
    let client: APIClient
    let runID: Int64
    let console: ConsoleObserver
    /// Reconnections in a row without a new event before giving up.
    var attempts = 5

    struct End {
        var status: RunStatus
        var recap: RunRecap?
        var duration: Duration
    }

    /// Mutable state of the stream, across reconnections.
    private final class Progress: @unchecked Sendable {
        var lastEventID: String?
        var end: End?
        var sawRecap = false
        var currentTask: TaskID?
    }

    func run() async throws -> End {
        let detach = Detach(runID: runID)
        defer { detach.restore() }
        let progress = Progress()
        var failures = 0
        while true {
            var lost: APIFailure?
            do {
                try await client.events(run: runID, lastEventID: progress.lastEventID) { (frame: ServerSentEvent) throws(APIFailure) -> Bool in
                    failures = 0
                    await handle(frame, progress)
                    return progress.end == nil
                }
            } catch {
                // The server's answer (a status) stands; a lost connection is tried again.
                let failure: APIFailure = error
                guard failure.status == nil else { throw failure }
                lost = failure
            }
            if let end = progress.end { return end }
            failures += 1
            guard failures <= attempts else {
                throw CommandFailure("lost run \(runID)'s event stream before the run ended"
                    + (lost.map { " (\($0.message))" } ?? " (the server ended it: is it shutting down?)")
                    + ": the run goes on on the server; `drover remote show \(runID)` tells how it stands")
            }
            try await Swift.Task.sleep(for: .seconds(failures))
        }
    }

    private func handle(_ frame: ServerSentEvent, _ progress: Progress) async {
        if let id = frame.id { progress.lastEventID = id }
        let event: RunEvent?
        do {
            event = try RunEventJSON.decode(name: frame.name, data: try Value.parseJSON(frame.data))
        } catch {
            FileHandle.standardError.write(Data("warning: skipped an event the server sent (\(frame.name)): \(error)\n".utf8))
            return
        }
        guard let event else { return }  // a newer server's event
        // Store replays have ids `r<result id>` and no task or play events.
        let replayed = frame.id?.hasPrefix("r") ?? false
        switch event {
        case .taskStarted(let id, _, _, _, _, _):
            progress.currentTask = id
        case .hostResult(let report) where replayed && report.taskID != progress.currentTask:
            progress.currentTask = report.taskID
            await console.show(.taskStarted(id: report.taskID, title: report.task, module: report.module, location: nil, hosts: 0,
                                            handler: report.taskID.isHandler))
        case .recap:
            progress.sawRecap = true
        case .runFinished(let status, let recap, let duration):
            if replayed && !progress.sawRecap, let recap { await console.show(.recap(recap)) }
            progress.end = End(status: status, recap: recap, duration: duration)
        default:
            break
        }
        await console.show(event)
    }
}

/// Ctrl-C (or SIGTERM) while following: the run is the server's and goes
/// on; following stops, saying how to cancel it, with 130 as a shell
/// reports an interrupted command.
final class Detach: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(runID: Int64) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Output.line("\nstopped following run \(runID); it goes on on the server: `drover remote follow \(runID)` follows it again, "
                    + "`drover remote cancel \(runID)` stops it")
                exit(130)
            }
            source.resume()
            sources.append(source)
        }
    }

    func restore() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
