import ArgumentParser
import DroverRuntime
import DroverSSH

/// How to reach hosts: overrides for what the inventory says.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Hosts worked on at once.")
    var forks: Int = 50

    @Option(name: [.customShort("T"), .long], help: "Seconds to wait for a host to answer when connecting.")
    var timeout: Int = 10

    @Option(name: [.short, .customLong("user")], help: "Log in as this user unless the inventory sets ansible_user.")
    var user: String?

    @Option(name: .customLong("private-key"), help: "Private key file unless the inventory sets ansible_ssh_private_key_file.")
    var privateKey: String?

    @Option(help: "known_hosts file (default: the inventory's UserKnownHostsFile, else ~/.ssh/known_hosts).")
    var knownHosts: String?

    @Option(help: "strict (default), accept-new (add unknown keys) or off.")
    var hostKeyChecking: HostKeyPolicy?

    @Option(help: "ssh config file to read instead of ~/.ssh/config ('none' for no file).")
    var sshConfig: String?

    /// The same, for the runtime.
    var settings: ConnectionSettings {
        var settings = ConnectionSettings()
        settings.timeout = timeout
        settings.user = user
        settings.privateKey = privateKey
        settings.knownHosts = knownHosts
        settings.hostKeyChecking = hostKeyChecking
        settings.sshConfig = sshConfig
        return settings
    }

    func validate() throws {
        guard (1...10_000).contains(forks) else { throw ValidationError("--forks must be between 1 and 10000") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 3600 seconds") }
    }
}

extension HostKeyPolicy: ExpressibleByArgument {}
