import CLibSSH

extension SSHConnection {
    /// Checks the server's key against known_hosts under the target's policy.
    func verifyHostKey(_ session: ssh_session) throws {
        let key = serverKeyDescription(session)
        let knownHosts = target.knownHostsFile ?? "~/.ssh/known_hosts"
        let hostEntry = target.port.map { $0 == 22 ? target.address : "[\(target.address)]:\($0)" } ?? target.address
        switch ssh_session_is_known_server(session) {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED, SSH_KNOWN_HOSTS_OTHER:
            if target.hostKeyPolicy == .off { return }
            throw SSHError(.hostKeyChanged, host: target.name, """
                WARNING: THE HOST KEY OF \(hostEntry) HAS CHANGED (it now offers \(key)). \
                Someone may be intercepting the connection, or the host was reinstalled. \
                Nothing was sent to it. If you know the new key is right, remove the old one with \
                `ssh-keygen -R '\(hostEntry)' -f \(knownHosts)` and connect again with --host-key-checking accept-new.
                """)
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            switch target.hostKeyPolicy {
            case .off:
                return
            case .acceptNew:
                guard ssh_session_update_known_hosts(session) == SSH_OK else {
                    throw SSHError(.hostKeyCheckFailed, host: target.name,
                        "cannot add the key of \(hostEntry) to \(knownHosts): \(libsshError(session))")
                }
            case .strict:
                throw SSHError(.hostKeyUnknown, host: target.name, """
                    host key of \(hostEntry) is unknown (\(key)) and is not in \(knownHosts). \
                    Check that fingerprint with the host's owner, then accept it with \
                    --host-key-checking accept-new (or `ssh-keyscan \(target.port.map { "-p \($0) " } ?? "")\(target.address) >> \(knownHosts)`).
                    """)
            }
        default:
            throw SSHError(.hostKeyCheckFailed, host: target.name,
                "cannot check the host key of \(hostEntry) against \(knownHosts): \(libsshError(session))")
        }
    }

    /// "ssh-ed25519 SHA256:…" for messages.
    private func serverKeyDescription(_ session: ssh_session) -> String {
        var key: ssh_key?
        guard ssh_get_server_publickey(session, &key) == SSH_OK, let key else { return "an unreadable key" }
        defer { ssh_key_free(key) }
        let type = ssh_key_type_to_char(ssh_key_type(key)).map { String(cString: $0) } ?? "key"
        var hash: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) == SSH_OK, let hash else {
            return type
        }
        defer { var pointer: UnsafeMutablePointer<UInt8>? = hash; ssh_clean_pubkey_hash(&pointer) }
        guard let text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length) else { return type }
        defer { ssh_string_free_char(text) }
        return "\(type) \(String(cString: text))"
    }
}
