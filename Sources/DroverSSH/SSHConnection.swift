import CLibSSH
import Foundation

/// One SSH session to one host, reused for everything the host is asked.
///
/// The actor runs on a thread of its own (`HostThreadExecutor`), so the
/// blocking libssh calls in its methods never run on Swift's cooperative pool,
/// and the session is only ever used by that one thread.
public actor SSHConnection {
    public nonisolated let target: SSHTarget
    private let executor: HostThreadExecutor
    let box = SessionBox()
    /// The user libssh logged in as, once connected.
    public private(set) var user: String = ""

    /// Whether this connection's thread still runs (it ends after the
    /// connection is released); for diagnostics and tests.
    public nonisolated var threadLiveness: ThreadLiveness { executor.liveness }

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    private init(target: SSHTarget) {
        self.target = target
        self.executor = HostThreadExecutor(name: "ssh \(target.name)")
    }

    deinit {
        let box = self.box
        executor.shutdown { box.free() }
    }

    /// Connects, verifies the host key and logs in. Throws `SSHError`
    /// (or `CancellationError` when cancelled while connecting).
    public static func connect(to target: SSHTarget) async throws -> SSHConnection {
        let connection = SSHConnection(target: target)
        try await connection.open()
        return connection
    }

    public var isConnected: Bool {
        guard let session = box.session else { return false }
        return ssh_is_connected(session) != 0
    }

    /// Ends the session. Later calls fail with `.disconnected`.
    public func close() {
        box.free()
    }

    private func open() throws {
        let session = try makeSession()
        box.session = session
        do {
            try Task.checkCancellation()
            guard ssh_connect(session) == SSH_OK else { throw connectError(session) }
            try verifyHostKey(session)
            try authenticate(session)
            user = readOption(session, SSH_OPTIONS_USER) ?? ""
            try Task.checkCancellation()
        } catch {
            box.free()
            throw error
        }
        if let interval = target.keepaliveInterval {
            let box = self.box
            executor.setIdleAction(every: interval) { box.sendKeepalive() }
        }
    }

    /// The session, or `.disconnected` once closed or dropped by the peer.
    func liveSession() throws -> ssh_session {
        guard let session = box.session, ssh_is_connected(session) != 0 else {
            throw SSHError(.disconnected, host: target.name, "the SSH session is closed; connect again")
        }
        return session
    }

    func libsshError(_ session: ssh_session) -> String {
        String(cString: ssh_get_error(UnsafeMutableRawPointer(session)))
    }

    private func connectError(_ session: ssh_session) -> SSHError {
        let detail = libsshError(session)
        let lower = detail.lowercased()
        let endpoint = "\(target.address):\(target.port ?? 22)"
        if lower.contains("refused") {
            return SSHError(.connectionRefused, host: target.name,
                "connection refused by \(endpoint): is sshd running and listening on that port?")
        }
        if lower.contains("timeout") || lower.contains("timed out") {
            return SSHError(.timeout, host: target.name,
                "timed out after \(target.connectTimeout.milliseconds / 1000) s connecting to \(endpoint) (\(detail)); check the address and firewall, or raise --timeout")
        }
        if lower.contains("resolve") {
            return SSHError(.connectFailed, host: target.name,
                "cannot resolve \(target.address): \(detail); fix ansible_host or the name")
        }
        return SSHError(.connectFailed, host: target.name, "cannot connect to \(endpoint): \(detail)")
    }
}
