/// Where a run stands. The raw values are what the store writes in
/// `runs.status` (and what `drover runs --status` takes).
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Accepted, waiting for its hosts or a worker.
    case queued
    case running
    case succeeded
    case failed
    /// Stopped on request.
    case cancelled
    /// Its controller died (or stopped beating) while it ran.
    case interrupted
    /// Undone by a later rollback run.
    case rolledBack = "rolled_back"

    /// The run is over: nothing more will be written to it.
    public var isFinal: Bool { self != .queued && self != .running }
}
