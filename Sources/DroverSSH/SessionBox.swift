import CLibSSH

/// Holds the raw libssh session so the connection's thread can reach it
/// outside actor jobs (keepalives while idle, freeing it at the end).
/// Only ever touched on that one thread.
final class SessionBox: @unchecked Sendable {
    var session: ssh_session?
    var sftp: sftp_session?
    var processes: [Int: ProcessChannel] = [:]
    var lastProcessID = 0

    func sendKeepalive() {
        guard let session, ssh_is_connected(session) != 0 else { return }
        _ = ssh_send_keepalive(session)
    }

    func free() {
        for process in processes.values { ssh_channel_free(process.channel) }
        processes.removeAll()
        if let sftp { sftp_free(sftp) }
        sftp = nil
        if let session {
            if ssh_is_connected(session) != 0 { ssh_disconnect(session) }
            ssh_free(session)
        }
        session = nil
    }
}
