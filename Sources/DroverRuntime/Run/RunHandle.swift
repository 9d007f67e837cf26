import DroverCore
import DroverEngine
import Foundation

/// A started run: its id, its events, and the way to stop it.
public final class RunHandle: Sendable {
    public let id: Int64
    let hub: EventHub<RunEvent>
    let cancellation: RunCancellation
    let task: Swift.Task<RunOutcome, Never>

    init(id: Int64, hub: EventHub<RunEvent>, cancellation: RunCancellation, task: Swift.Task<RunOutcome, Never>) {
        self.id = id
        self.hub = hub
        self.cancellation = cancellation
        self.task = task
    }

    /// The run's events after `sequence` (0: from its start, as far as the
    /// hub's history goes), then live ones until it ends. A subscriber
    /// that falls more than `buffer` events behind loses the oldest, and
    /// sees it in the sequence numbers; the run never waits for it.
    public func events(after sequence: Int = 0, buffer: Int = 1024) -> AsyncStream<EventHub<RunEvent>.Numbered> {
        hub.subscribe(after: sequence, buffer: buffer)
    }

    /// The first call stops new tasks and asks running commands to stop
    /// within the grace period; a second (or `force`) kills them at once.
    public func cancel(force: Bool = false) {
        cancellation.cancel(force: force)
    }

    public var isCancelled: Bool { cancellation.isCancelled }

    /// How the run ended (waits for it).
    public var outcome: RunOutcome {
        get async { await task.value }
    }
}

/// The store's share of a run: results written, transactions, time.
public struct RecordingCost: Sendable {
    public var results: Int
    public var transactions: Int
    public var writeTime: Duration
}

/// How a run ended.
public struct RunOutcome: Sendable {
    public var runID: Int64
    public var status: RunStatus
    public var recap: RunRecap?
    public var duration: Duration
    /// What stopped it before or outside the engine (a locked host, an
    /// input error found while running), worded for the user.
    public var failure: String?
    /// What recording it cost.
    public var recording: RecordingCost?

    /// ansible-playbook's exit status, and 130 for a cancelled run (as a
    /// shell reports a command stopped by Ctrl-C).
    public var exitCode: Int32 { status.exitCode(recap: recap) }
}
