/// How one host ended one task (or one loop item of it). The raw values
/// are what the store writes in `task_results.status`.
public enum TaskStatus: String, Sendable, Codable, CaseIterable {
    case ok, changed, failed, skipped, unreachable
    /// The run was cancelled while the task ran on the host.
    case cancelled

    /// A failure that stops the host, unless ignored or rescued.
    public var isFailure: Bool { self == .failed || self == .unreachable }
}
