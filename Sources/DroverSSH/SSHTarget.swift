/// Everything needed to open one SSH session to one host.
public struct SSHTarget: Sendable {
    /// The name used in messages (the inventory host name).
    public var name: String
    /// What to connect to; `~/.ssh/config` may map it to another HostName.
    public var address: String
    /// nil: from ssh config, else 22.
    public var port: Int?
    /// nil: from ssh config, else the local user.
    public var user: String?
    public var authentication: SSHAuthentication
    public var hostKeyPolicy: HostKeyPolicy
    /// nil: ~/.ssh/known_hosts.
    public var knownHostsFile: String?
    /// nil: ~/.ssh/config and /etc/ssh/ssh_config; `.none`: no config file.
    public var sshConfig: SSHConfigSource
    public var connectTimeout: Duration
    /// nil: no keepalives.
    public var keepaliveInterval: Duration?

    public init(
        name: String,
        address: String? = nil,
        port: Int? = nil,
        user: String? = nil,
        authentication: SSHAuthentication = .automatic,
        hostKeyPolicy: HostKeyPolicy = .strict,
        knownHostsFile: String? = nil,
        sshConfig: SSHConfigSource = .default,
        connectTimeout: Duration = .seconds(10),
        keepaliveInterval: Duration? = .seconds(30)
    ) {
        self.name = name
        self.address = address ?? name
        self.port = port
        self.user = user
        self.authentication = authentication
        self.hostKeyPolicy = hostKeyPolicy
        self.knownHostsFile = knownHostsFile
        self.sshConfig = sshConfig
        self.connectTimeout = connectTimeout
        self.keepaliveInterval = keepaliveInterval
    }
}

public enum SSHConfigSource: Sendable, Equatable {
    /// ~/.ssh/config, then /etc/ssh/ssh_config (what `ssh` reads).
    case `default`
    case file(String)
    case none
}

/// How to log in. Secrets print as "<redacted>" so they cannot leak into logs.
public enum SSHAuthentication: Sendable, CustomStringConvertible {
    /// One private key file (ed25519, ECDSA or RSA), with its passphrase if it has one.
    case privateKey(path: String, passphrase: SSHSecret? = nil)
    /// Keys held by ssh-agent; nil socket: $SSH_AUTH_SOCK.
    case agent(socket: String? = nil)
    case password(SSHSecret)
    /// What `ssh` would try: the agent, then IdentityFile / default keys.
    case automatic

    public var description: String {
        switch self {
        case .privateKey(let path, let passphrase):
            return "private key \(path)" + (passphrase == nil ? "" : " (with passphrase)")
        case .agent(let socket): return "ssh-agent" + (socket.map { " at \($0)" } ?? "")
        case .password: return "password <redacted>"
        case .automatic: return "ssh-agent and default keys"
        }
    }
}

/// A secret string that never shows itself in descriptions or dumps.
public struct SSHSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// What to do with a host key that known_hosts does not vouch for.
public enum HostKeyPolicy: String, Sendable, CaseIterable {
    /// Unknown and changed keys are refused (the default).
    case strict
    /// Unknown keys are added to known_hosts; changed keys are still refused.
    case acceptNew = "accept-new"
    /// Any key is accepted and nothing is recorded (Ansible's host_key_checking=False).
    case off
}
