import CLibSSH
import Foundation

/// A long-lived command on one exec channel, spoken to in request/response
/// exchanges (Drover's agent). Owned by its connection; only its thread uses it.
final class ProcessChannel: @unchecked Sendable {
    let channel: ssh_channel
    /// Output already read that belongs to the next response.
    var pending: [UInt8] = []
    /// Stderr read but not yet claimed by a response.
    var pendingStderr: [UInt8] = []
    /// The command's stderr, kept (bounded) for error messages.
    var stderrTail: [UInt8] = []

    /// Stderr that no response claims goes to the bounded tail.
    func keepStderrTail() {
        guard !pendingStderr.isEmpty else { return }
        stderrTail += pendingStderr
        pendingStderr.removeAll(keepingCapacity: true)
        if stderrTail.count > 8192 { stderrTail.removeFirst(stderrTail.count - 8192) }
    }

    init(channel: ssh_channel) { self.channel = channel }
}

/// Names one process channel of a connection.
public struct ProcessChannelID: Sendable, Hashable {
    let value: Int
}

extension SSHConnection {
    /// Starts `command` on a new exec channel and keeps it open for
    /// `exchange` calls. `initialInput` goes to the command's stdin right
    /// behind the exec request, without waiting for the server's reply to
    /// it: on a WAN that saves a round trip (the server holds the bytes
    /// until the command reads them).
    public func startProcess(_ command: String, initialInput: [UInt8] = []) throws -> ProcessChannelID {
        let session = try liveSession()
        guard let channel = ssh_channel_new(session) else {
            throw SSHError(.channelFailed, host: target.name, "cannot create a channel: \(libsshError(session))")
        }
        guard ssh_channel_open_session(channel) == SSH_OK else {
            ssh_channel_free(channel)
            throw SSHError(.channelFailed, host: target.name,
                "cannot open a session channel: \(libsshError(session)) (the server's MaxSessions may be exhausted)")
        }
        guard requestExec(channel, command, session: session, then: initialInput) == SSH_OK else {
            ssh_channel_close(channel)
            ssh_channel_free(channel)
            throw SSHError(.channelFailed, host: target.name, "the server refused to run the command: \(libsshError(session))")
        }
        let id = ProcessChannelID(value: nextProcessID())
        box.processes[id.value] = ProcessChannel(channel: channel)
        return id
    }

    /// The exec request sent without blocking, `input` written behind it,
    /// then the reply awaited (libssh resumes a pending request when it is
    /// called again).
    private func requestExec(_ channel: ssh_channel, _ command: String, session: ssh_session, then input: [UInt8]) -> Int32 {
        guard !input.isEmpty else { return ssh_channel_request_exec(channel, command) }
        ssh_set_blocking(session, 0)
        var rc = ssh_channel_request_exec(channel, command)
        if rc == SSH_AGAIN || rc == SSH_OK {
            var written = 0
            while written < input.count {
                let count = min(Int(ssh_channel_window_size(channel)), input.count - written, 32 * 1024)
                guard count > 0 else { break }
                let n = input.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress! + written, UInt32(count)) }
                guard n > 0 else { break }
                written += Int(n)
            }
            ssh_set_blocking(session, 1)
            while rc == SSH_AGAIN { rc = ssh_channel_request_exec(channel, command) }
            if rc == SSH_OK && written < input.count {
                let rest = Array(input[written...])
                let n = rest.withUnsafeBytes { ssh_channel_write(channel, $0.baseAddress!, UInt32(rest.count)) }
                if n < 0 { return SSH_ERROR }
            }
            return rc
        }
        ssh_set_blocking(session, 1)
        return rc
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
        try exchange(id, request: request, timeout: timeout, decoder: FrameDecoder(frame)).frame
    }

    /// Writes `request`, then feeds what the process sends to `decoder`
    /// until it holds a whole response, and returns it. While waiting it
    /// writes what `interruption` asks for. Without an interruption, a
    /// cancelled task stops waiting (the process is then out of step and
    /// should be ended); with one, the interruption decides.
    public func exchange<Decoder: ResponseDecoder>(
        _ id: ProcessChannelID,
        request: [UInt8],
        timeout: Duration? = nil,
        interruption: (any ExchangeInterruption)? = nil,
        decoder: Decoder
    ) throws -> Decoder {
        let session = try liveSession()
        guard let process = box.processes[id.value] else {
            throw SSHError(.channelFailed, host: target.name, "the remote process has ended; start it again")
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var decoder = decoder
        var outbox = request
        var written = 0
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let done = decoder.advance(stdout: &process.pending, stderr: &process.pendingStderr)
            if !decoder.readsStderr { process.keepStderrTail() }
            if done { return decoder }
            let now = ContinuousClock.now
            if let interruption {
                if written == outbox.count, let extra = interruption.bytesToSend(now: now) { outbox += extra }
                if interruption.shouldAbandon(now: now) {
                    endProcess(id)
                    throw SSHError(.timeout, host: target.name, "the remote process did not stop when asked; its channel was closed")
                }
            } else if Task.isCancelled {
                throw CancellationError()
            }
            if let deadline, now >= deadline {
                endProcess(id)
                throw SSHError(.timeout, host: target.name,
                    "no answer from the remote process within \(timeout!.milliseconds) ms; it was stopped")
            }
            var moved = false
            if written < outbox.count {
                let window = Int(ssh_channel_window_size(process.channel))
                if window > 0 {
                    let count = min(window, 32 * 1024, outbox.count - written)
                    let rc = outbox.withUnsafeBytes { ssh_channel_write(process.channel, $0.baseAddress! + written, UInt32(count)) }
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
                process.pendingStderr.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: Int(e)))
                moved = true
            }
            if moved { continue }
            if ssh_channel_is_eof(process.channel) != 0 || ssh_channel_is_closed(process.channel) != 0 {
                throw processGone(id, session)
            }
            // Short enough that a cancel's kill request leaves within 20 ms.
            waitReadable(session, milliseconds: interruption == nil ? 50 : 20)
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
        process?.keepStderrTail()
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
