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

    /// The exit status of the command that ran (or followed) a run that
    /// ended so: ansible-playbook's (2 a host failed, 4 one was
    /// unreachable), 130 for a cancelled run (as a shell reports a command
    /// stopped by Ctrl-C), 1 for a run that failed outside its hosts.
    public func exitCode(recap: RunRecap?) -> Int32 {
        switch self {
        case .cancelled: return 130
        case .succeeded: return recap?.exitCode ?? 0
        default: return recap.map { $0.exitCode == 0 ? 1 : $0.exitCode } ?? 1
        }
    }
}
