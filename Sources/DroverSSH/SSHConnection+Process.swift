import CLibSSH
import Foundation

/// A long-lived command on one exec channel, spoken to in request/response
/// exchanges (Drover's agent). Owned by its connection; only its thread uses it.
final class ProcessChannel: @unchecked Sendable {
    let channel: ssh_channel
    /// Output already read that belongs to the next response.
    var pending: [UInt8] = []
    /// The command's stderr, kept (bounded) for error messages.
    var stderrTail: [UInt8] = []

    init(channel: ssh_channel) { self.channel = channel }
}

/// Names one process channel of a connection.
public struct ProcessChannelID: Sendable, Hashable {
    let value: Int
}

extension SSHConnection {
    /// Starts `command` on a new exec channel and keeps it open for
    /// `exchange` calls.
    public func startProcess(_ command: String) throws -> ProcessChannelID {
        let session = try liveSession()
        guard let channel = ssh_channel_new(session) else {
            throw SSHError(.channelFailed, host: target.name, "cannot create a channel: \(libsshError(session))")
        }
        guard ssh_channel_open_session(channel) == SSH_OK else {
            ssh_channel_free(channel)
            throw SSHError(.channelFailed, host: target.name,
                "cannot open a session channel: \(libsshError(session)) (the server's MaxSessions may be exhausted)")
        }
        guard ssh_channel_request_exec(channel, command) == SSH_OK else {
            ssh_channel_close(channel)
            ssh_channel_free(channel)
            throw SSHError(.channelFailed, host: target.name, "the server refused to run the command: \(libsshError(session))")
        }
        let id = ProcessChannelID(value: nextProcessID())
        box.processes[id.value] = ProcessChannel(channel: channel)
        return id
    }

    /// Writes `request` to the process, then reads its stdout until
    /// `frame` (given everything read so far) says a whole response
    /// is there, and returns exactly that response. Bytes after it are kept
    /// for the next exchange.
    public func exchange(
        _ id: ProcessChannelID,
        request: [UInt8],
        timeout: Duration? = nil,
        frame: some FrameDetector
    ) throws -> [UInt8] {
        let session = try liveSession()
        guard let process = box.processes[id.value] else {
            throw SSHError(.channelFailed, host: target.name, "the remote process has ended; start it again")
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var detector = frame
        var written = 0
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            if let length = detector.frameLength(in: process.pending), process.pending.count >= length, written == request.count {
                let frame = Array(process.pending[..<length])
                process.pending.removeFirst(length)
                return frame
            }
            if Task.isCancelled { throw CancellationError() }
            if let deadline, ContinuousClock.now >= deadline {
                endProcess(id)
                throw SSHError(.timeout, host: target.name,
                    "no answer from the remote process within \(timeout!.milliseconds) ms; it was stopped")
            }
            var moved = false
            if written < request.count {
                let window = Int(ssh_channel_window_size(process.channel))
                if window > 0 {
                    let count = min(window, 32 * 1024, request.count - written)
                    let rc = request.withUnsafeBytes { ssh_channel_write(process.channel, $0.baseAddress! + written, UInt32(count)) }
                    guard rc >= 0 else { throw processGone(id, session) }
                    written += Int(rc)
                    moved = rc > 0
                }
            }
            let n = ssh_channel_read_nonblocking(process.channel, buffer, UInt32(bufferSize), 0)
            if n > 0 {
                process.pending.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: Int(n)))
                moved = true
            } else if n == SSH_ERROR {
                throw processGone(id, session)
            }
            let e = ssh_channel_read_nonblocking(process.channel, buffer, UInt32(bufferSize), 1)
            if e > 0 {
                process.stderrTail.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: Int(e)))
                if process.stderrTail.count > 8192 { process.stderrTail.removeFirst(process.stderrTail.count - 8192) }
                moved = true
            }
            if moved { continue }
            if ssh_channel_is_eof(process.channel) != 0 || ssh_channel_is_closed(process.channel) != 0 {
                throw processGone(id, session)
            }
            waitReadable(session, milliseconds: 50)
        }
    }

    /// Sends EOF to the process and closes its channel.
    public func endProcess(_ id: ProcessChannelID) {
        guard let process = box.processes.removeValue(forKey: id.value) else { return }
        if ssh_channel_is_open(process.channel) != 0 {
            ssh_channel_send_eof(process.channel)
            ssh_channel_close(process.channel)
        }
        ssh_channel_free(process.channel)
    }

    private func processGone(_ id: ProcessChannelID, _ session: ssh_session) -> SSHError {
        let process = box.processes[id.value]
        let stderr = process.map { String(decoding: $0.stderrTail, as: UTF8.self) } ?? ""
        let status = process.map { ssh_channel_get_exit_status($0.channel) } ?? -1
        endProcess(id)
        if ssh_is_connected(session) == 0 {
            return SSHError(.disconnected, host: target.name, "the connection dropped: \(libsshError(session))")
        }
        let detail = stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return SSHError(.channelFailed, host: target.name,
            "the remote process ended (exit status \(status))" + (detail.isEmpty ? "" : ": \(detail)"))
    }

    private func nextProcessID() -> Int {
        box.lastProcessID += 1
        return box.lastProcessID
    }
}
