import DroverCore
import DroverRuntime
import DroverStore

/// A launch checked against its template and ready to run: the runtime's
/// request, and what the store keeps of it (secrets masked).
public struct PreparedLaunch: Sendable {
    public var template: JobTemplate
    public var request: RunRequest
    /// The hosts the run may touch (for the running-hosts gauge).
    public var hostCount: Int
    /// The launch as recorded in `run_launches` (JSON, secrets masked).
    public var parameters: String
    public var hasSecrets: Bool
}
