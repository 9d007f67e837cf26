import CLibSSH

extension SSHConnection {
    /// A new libssh session with the target's options applied in ssh's order:
    /// the host, then ssh config, then what the inventory sets explicitly.
    func makeSession() throws -> ssh_session {
        guard let session = ssh_new() else {
            throw SSHError(.connectFailed, host: target.name, "libssh could not allocate a session (out of memory?)")
        }
        do {
            var verbosity = Int32(SSH_LOG_NOLOG)
            ssh_options_set(session, SSH_OPTIONS_LOG_VERBOSITY, &verbosity)
            try setOption(session, SSH_OPTIONS_HOST, target.address)
            switch target.sshConfig {
            case .default:
                guard ssh_options_parse_config(session, nil) == 0 else {
                    throw SSHError(.invalidConfiguration, host: target.name,
                        "cannot parse ~/.ssh/config: \(libsshError(session))")
                }
            case .file(let path):
                guard ssh_options_parse_config(session, path) == 0 else {
                    throw SSHError(.invalidConfiguration, host: target.name,
                        "cannot parse ssh config \(path): \(libsshError(session))")
                }
            case .none:
                var process: Int32 = 0
                ssh_options_set(session, SSH_OPTIONS_PROCESS_CONFIG, &process)
            }
            if let port = target.port {
                var value = UInt32(port)
                ssh_options_set(session, SSH_OPTIONS_PORT, &value)
            }
            if let user = target.user { try setOption(session, SSH_OPTIONS_USER, user) }
            if let file = target.knownHostsFile { try setOption(session, SSH_OPTIONS_KNOWNHOSTS, file) }
            if case .agent(let socket?) = target.authentication {
                try setOption(session, SSH_OPTIONS_IDENTITY_AGENT, socket)
            }
            var timeout = target.connectTimeout.components.seconds
            var micros = target.connectTimeout.components.attoseconds / 1_000_000_000_000
            ssh_options_set(session, SSH_OPTIONS_TIMEOUT, &timeout)
            ssh_options_set(session, SSH_OPTIONS_TIMEOUT_USEC, &micros)
            // Small request/response frames: Nagle would add 40 ms stalls.
            var nodelay: Int32 = 1
            ssh_options_set(session, SSH_OPTIONS_NODELAY, &nodelay)
            return session
        } catch {
            ssh_free(session)
            throw error
        }
    }

    func setOption(_ session: ssh_session, _ option: ssh_options_e, _ value: String) throws {
        guard ssh_options_set(session, option, value) == SSH_OK else {
            throw SSHError(.invalidConfiguration, host: target.name,
                "libssh rejected option \(option.rawValue) = \(value): \(libsshError(session))")
        }
    }

    func readOption(_ session: ssh_session, _ option: ssh_options_e) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard ssh_options_get(session, option, &value) == SSH_OK, let value else { return nil }
        defer { ssh_string_free_char(value) }
        return String(cString: value)
    }
}
