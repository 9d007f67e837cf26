import CLibSSH
import Foundation

extension SSHConnection {
    /// Runs `command` through the login shell and collects its output.
    ///
    /// - Parameters:
    ///   - stdin: bytes fed to the command, then EOF.
    ///   - timeout: the channel is closed and `.timeout` thrown past it.
    public func exec(_ command: String, stdin: [UInt8] = [], timeout: Duration? = nil) throws -> ExecResult {
        var result = ExecResult()
        let status = try runChannel(command, stdin: stdin, timeout: timeout) { stream, bytes in
            switch stream {
            case .stdout: result.stdout.append(contentsOf: bytes)
            case .stderr: result.stderr.append(contentsOf: bytes)
            }
        }
        result.exitStatus = status.exitStatus
        result.exitSignal = status.exitSignal
        return result
    }

    /// Runs `command` and hands output to `output` as it arrives (on the
    /// connection's thread), so memory does not grow with output size.
    public func exec(
        _ command: String,
        stdin: [UInt8] = [],
        timeout: Duration? = nil,
        output: @Sendable (ExecStream, UnsafeRawBufferPointer) -> Void
    ) throws -> ExecStatus {
        try runChannel(command, stdin: stdin, timeout: timeout, output: output)
    }

    /// One exec channel: feed stdin as the window allows, drain stdout and
    /// stderr without blocking on either (so neither side can deadlock), and
    /// wait on the socket only when nothing moved.
    private func runChannel(
        _ command: String,
        stdin: [UInt8],
        timeout: Duration?,
        output: (ExecStream, UnsafeRawBufferPointer) -> Void
    ) throws -> ExecStatus {
        let session = try liveSession()
        guard let channel = ssh_channel_new(session) else {
            throw SSHError(.channelFailed, host: target.name, "cannot create a channel: \(libsshError(session))")
        }
        let trap = ExitSignalTrap()
        defer {
            ssh_channel_close(channel)
            ssh_channel_free(channel)
            withExtendedLifetime(trap) {}
        }
        guard ssh_channel_open_session(channel) == SSH_OK else {
            throw SSHError(.channelFailed, host: target.name,
                "cannot open a session channel: \(libsshError(session)) (the server's MaxSessions may be exhausted)")
        }
        trap.install(on: channel)
        guard ssh_channel_request_exec(channel, command) == SSH_OK else {
            throw SSHError(.channelFailed, host: target.name, "the server refused to run the command: \(libsshError(session))")
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var written = 0
        var eofSent = false
        if stdin.isEmpty {
            ssh_channel_send_eof(channel)
            eofSent = true
        }
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }

        while true {
            if Task.isCancelled { throw CancellationError() }
            if let deadline, ContinuousClock.now >= deadline {
                throw SSHError(.timeout, host: target.name,
                    "the command ran longer than \(timeout!.milliseconds) ms and was stopped")
            }
            var moved = false
            if !eofSent {
                let window = Int(ssh_channel_window_size(channel))
                if window > 0 {
                    let count = min(window, 32 * 1024, stdin.count - written)
                    let rc = stdin.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress! + written, UInt32(count)) }
                    guard rc >= 0 else {
                        guard ssh_is_connected(session) != 0 else {
                            throw SSHError(.disconnected, host: target.name, "the connection dropped while writing stdin: \(libsshError(session))")
                        }
                        // The command ended without reading all its input: not an error.
                        eofSent = true
                        continue
                    }
                    written += Int(rc)
                    moved = rc > 0
                    if written == stdin.count {
                        ssh_channel_send_eof(channel)
                        eofSent = true
                    }
                }
            }
            for (stream, isStderr) in Self.streams {
                let n = ssh_channel_read_nonblocking(channel, buffer, UInt32(bufferSize), isStderr)
                if n > 0 {
                    output(stream, UnsafeRawBufferPointer(start: buffer, count: Int(n)))
                    moved = true
                } else if n == SSH_ERROR {
                    throw SSHError(.disconnected, host: target.name, "the connection dropped while reading output: \(libsshError(session))")
                }
            }
            if moved { continue }
            if ssh_channel_is_eof(channel) != 0 { break }
            waitReadable(session, milliseconds: 50)
        }
        let status = ssh_channel_get_exit_status(channel)
        if let signal = trap.signal {
            return ExecStatus(exitStatus: nil, exitSignal: signal)
        }
        return ExecStatus(exitStatus: status >= 0 ? status : nil, exitSignal: nil)
    }

    /// libssh's stream selector for each output stream (kept out of the read loop).
    private static let streams: [(ExecStream, Int32)] = [(.stdout, 0), (.stderr, 1)]

    /// Sleeps until the socket has input or `milliseconds` pass.
    func waitReadable(_ session: ssh_session, milliseconds: Int32) {
        var descriptor = pollfd(fd: ssh_get_fd(session), events: Int16(POLLIN), revents: 0)
        _ = poll(&descriptor, 1, milliseconds)
    }
}
