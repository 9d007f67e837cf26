/// A failure talking to a host's agent: the host could not be reached, the
/// agent could not start, or it answered out of protocol.
public struct AgentError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The host could not be reached or logged in to (Ansible's UNREACHABLE).
        case unreachable
        /// The agent did not start (no /bin/sh, sudo needs a password, …).
        case startFailed = "start_failed"
        /// The agent's answer broke the protocol.
        case protocolError = "protocol_error"
        /// The agent did not answer in time.
        case timeout
        /// The agent script was not found on the controller.
        case agentMissing = "agent_missing"
    }

    public let code: Code
    public let host: String
    public let message: String

    public init(_ code: Code, host: String, _ message: String) {
        self.code = code
        self.host = host
        self.message = message
    }

    public var description: String { "\(host): \(message)" }

    /// Unreachable hosts are reported as UNREACHABLE, not FAILED.
    public var isUnreachable: Bool { code == .unreachable || code == .timeout }
}
