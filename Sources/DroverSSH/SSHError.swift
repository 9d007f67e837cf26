/// An SSH failure, with a code for programs and a message for people that
/// says what went wrong and what to do about it. Never carries secrets.
public struct SSHError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case connectionRefused = "connection_refused"
        case timeout
        case connectFailed = "connect_failed"
        case hostKeyUnknown = "host_key_unknown"
        case hostKeyChanged = "host_key_changed"
        case hostKeyCheckFailed = "host_key_check_failed"
        case keyFileUnreadable = "key_file_unreadable"
        case authenticationFailed = "authentication_failed"
        case channelFailed = "channel_failed"
        case sftpFailed = "sftp_failed"
        case checksumMismatch = "checksum_mismatch"
        case localFile = "local_file"
        case disconnected
        case invalidConfiguration = "invalid_configuration"
    }

    public let code: Code
    /// The inventory name of the host (or the address when there is none).
    public let host: String
    public let message: String

    public init(_ code: Code, host: String, _ message: String) {
        self.code = code
        self.host = host
        self.message = message
    }

    public var description: String { "\(host): \(message)" }

    /// True for failures that mean "could not reach or log in to the host"
    /// (Ansible's UNREACHABLE), as opposed to a command that failed.
    public var isUnreachable: Bool {
        switch code {
        case .connectionRefused, .timeout, .connectFailed, .hostKeyUnknown, .hostKeyChanged,
            .hostKeyCheckFailed, .keyFileUnreadable, .authenticationFailed, .disconnected:
            return true
        case .channelFailed, .sftpFailed, .checksumMismatch, .localFile, .invalidConfiguration:
            return false
        }
    }
}
