import DroverCore
import DroverSSH
import Foundation

extension SSHTarget {
    /// Builds a target from Ansible connection variables, then the command
    /// line's overrides. Reads ansible_ssh_common_args / ansible_ssh_extra_args
    /// for `-o UserKnownHostsFile=`, `-o StrictHostKeyChecking=`,
    /// `-o ConnectTimeout=` and `-F FILE`, as OpenSSH would.
    public init(host name: String, vars: [String: Value], options: ConnectionSettings) throws {
        func text(_ keys: String...) -> String? {
            keys.lazy.compactMap { vars[$0]?.text }.first { !$0.isEmpty }
        }
        self.init(name: name, address: text("ansible_host", "ansible_ssh_host") ?? name)
        if let port = text("ansible_port", "ansible_ssh_port") {
            guard let value = Int(port), (1...65535).contains(value) else {
                throw SSHError(.invalidConfiguration, host: name, "ansible_port `\(port)` is not a port number (1-65535)")
            }
            self.port = value
        }
        user = text("ansible_user", "ansible_ssh_user") ?? options.user
        if let key = text("ansible_ssh_private_key_file", "ansible_private_key_file") ?? options.privateKey {
            let passphrase = text("ansible_ssh_private_key_passphrase")
                ?? ProcessInfo.processInfo.environment["DROVER_SSH_KEY_PASSPHRASE"]
            authentication = .privateKey(path: expandTilde(key), passphrase: passphrase.map(SSHSecret.init))
        } else if let password = text("ansible_password", "ansible_ssh_pass", "ansible_ssh_password") {
            authentication = .password(SSHSecret(password))
        }
        connectTimeout = .seconds(options.timeout)
        if let checking = vars["ansible_host_key_checking"], !checking.isTruthy { hostKeyPolicy = .off }
        if let env = ProcessInfo.processInfo.environment["ANSIBLE_HOST_KEY_CHECKING"], !Value.string(env).isTruthy {
            hostKeyPolicy = .off
        }
        try applySSHArguments(text("ansible_ssh_common_args") ?? "")
        try applySSHArguments(text("ansible_ssh_extra_args") ?? "")
        if let file = options.knownHosts { knownHostsFile = expandTilde(file) }
        if let policy = options.hostKeyChecking { hostKeyPolicy = policy }
        if let config = options.sshConfig { sshConfig = config == "none" ? .none : .file(expandTilde(config)) }
    }

    private mutating func applySSHArguments(_ arguments: String) throws {
        let words: [String]
        do {
            words = try ShellWords.split(arguments).map(\.text)
        } catch {
            throw SSHError(.invalidConfiguration, host: name, "ansible_ssh_common_args has an unterminated quote: `\(arguments)`")
        }
        var index = 0
        while index < words.count {
            let word = words[index]
            var option: String?
            if word == "-o", index + 1 < words.count {
                option = words[index + 1]
                index += 1
            } else if word.hasPrefix("-o") {
                option = String(word.dropFirst(2))
            } else if word == "-F", index + 1 < words.count {
                sshConfig = .file(expandTilde(words[index + 1]))
                index += 1
            }
            if let option { try applySSHOption(option) }
            index += 1
        }
    }

    private mutating func applySSHOption(_ option: String) throws {
        let parts = option.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { return }
        switch parts[0].lowercased() {
        case "userknownhostsfile":
            knownHostsFile = expandTilde(parts[1])
        case "stricthostkeychecking":
            switch parts[1].lowercased() {
            case "yes", "ask": hostKeyPolicy = .strict
            case "accept-new": hostKeyPolicy = .acceptNew
            case "no", "off": hostKeyPolicy = .off
            default:
                throw SSHError(.invalidConfiguration, host: name,
                    "StrictHostKeyChecking=\(parts[1]) is not one of yes, accept-new, no")
            }
        case "connecttimeout":
            if let seconds = Int(parts[1]) { connectTimeout = .seconds(seconds) }
        default:
            break  // other OpenSSH options have no libssh equivalent here; ignored like unknown ssh_config keys
        }
    }
}

func expandTilde(_ path: String) -> String {
    guard path.hasPrefix("~/") else { return path }
    return FileManager.default.homeDirectoryForCurrentUser.path + String(path.dropFirst(1))
}
