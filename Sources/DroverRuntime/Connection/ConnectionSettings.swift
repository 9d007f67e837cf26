import DroverSSH

/// How to reach hosts when the inventory does not say: the command line's
/// or a job template's overrides, free of any command-line parser.
public struct ConnectionSettings: Sendable {
    /// Seconds to wait for a host to answer when connecting.
    public var timeout = 10
    public var user: String?
    public var privateKey: String?
    public var knownHosts: String?
    public var hostKeyChecking: HostKeyPolicy?
    /// An ssh config file instead of ~/.ssh/config; "none" for none.
    public var sshConfig: String?

    public init() {}
}
