import DroverCore
import DroverEngine
import DroverRuntime

/// A console that prints a run from its published events.
protocol RunConsole: Sendable {
    func consume(_ events: AsyncStream<EventHub<RunEvent>.Numbered>) async
}

extension ConsoleObserver: RunConsole {}

/// What `drover run`, `exec` and `rollback` share: start the request through
/// the RunService, let SIGINT/SIGTERM cancel it, print its events with the
/// console (one subscriber, with a large buffer: a terminal keeps up), and
/// wait for its outcome.
enum RunLauncher {
    static func launch(_ request: RunRequest, console: some RunConsole) async throws -> (id: Int64, outcome: RunOutcome) {
        let service = RunService(store: try await StoreOptions.open())
        let signals = InterruptSignals(cancelling: request.options.cancellation) { Output.line("\n\($0)") }
        defer { signals.restore() }
        let handle = try await service.start(request)
        await console.consume(handle.events(buffer: 1 << 16))
        return (handle.id, await handle.outcome)
    }
}
