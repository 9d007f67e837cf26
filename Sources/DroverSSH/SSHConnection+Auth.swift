import CLibSSH
import Foundation

extension SSHConnection {
    func authenticate(_ session: ssh_session) throws {
        let user = readOption(session, SSH_OPTIONS_USER) ?? "?"
        switch target.authentication {
        case .privateKey(let path, let passphrase):
            let key = try loadKey(path: path, passphrase: passphrase)
            defer { ssh_key_free(key) }
            let rc = ssh_userauth_publickey(session, nil, key)
            guard rc == SSH_AUTH_SUCCESS.rawValue else {
                throw authFailure(session, rc,
                    "the server refused key \(path) for user \(user): add its .pub to ~\(user)/.ssh/authorized_keys on the host, or set ansible_ssh_private_key_file to a key it accepts")
            }
        case .password(let secret):
            let rc = ssh_userauth_password(session, nil, secret.value)
            guard rc == SSH_AUTH_SUCCESS.rawValue else {
                throw authFailure(session, rc,
                    "password refused for user \(user) (or the server does not allow password logins): check ansible_password and the host's PasswordAuthentication")
            }
        case .agent(let socket):
            let rc = ssh_userauth_agent(session, nil)
            guard rc == SSH_AUTH_SUCCESS.rawValue else {
                let where_ = socket ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] ?? "no SSH_AUTH_SOCK set"
                throw authFailure(session, rc,
                    "no key offered by ssh-agent (\(where_)) was accepted for user \(user): add one with ssh-add, or give a key file")
            }
        case .automatic:
            let rc = ssh_userauth_publickey_auto(session, nil, nil)
            guard rc == SSH_AUTH_SUCCESS.rawValue else {
                throw authFailure(session, rc,
                    "no key from ssh-agent, ~/.ssh/config or ~/.ssh/id_* was accepted for user \(user): set ansible_ssh_private_key_file or ansible_password")
            }
        }
    }

    private func loadKey(path: String, passphrase: SSHSecret?) throws -> ssh_key {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw SSHError(.keyFileUnreadable, host: target.name,
                "private key \(path) does not exist or is not readable: fix ansible_ssh_private_key_file")
        }
        var key: ssh_key?
        let rc = ssh_pki_import_privkey_file(path, passphrase?.value, nil, nil, &key)
        guard rc == SSH_OK, let key else {
            let hint = passphrase == nil
                ? "if it is protected, give its passphrase (DROVER_SSH_KEY_PASSPHRASE or ansible_ssh_private_key_passphrase)"
                : "is the passphrase right?"
            throw SSHError(.keyFileUnreadable, host: target.name,
                "cannot load private key \(path): \(hint)")
        }
        return key
    }

    private func authFailure(_ session: ssh_session, _ rc: Int32, _ message: String) -> SSHError {
        if rc == SSH_AUTH_ERROR.rawValue, ssh_is_connected(session) == 0 {
            return SSHError(.disconnected, host: target.name,
                "the connection dropped during login: \(libsshError(session))")
        }
        if rc == SSH_AUTH_PARTIAL.rawValue {
            return SSHError(.authenticationFailed, host: target.name,
                "the server wants a second factor after this login, which Drover does not support: \(message)")
        }
        return SSHError(.authenticationFailed, host: target.name, message)
    }
}
