import Foundation

/// A local child process spoken to in request/response exchanges over
/// pipes: the `connection: local` twin of an SSH process channel.
///
/// Like `SSHConnection`, it runs on a thread of its own, so its blocking
/// `poll` never occupies Swift's cooperative pool.
public actor LocalProcess {
    public nonisolated let name: String
    private let executor: HostThreadExecutor
    private let pid: pid_t
    private var stdinFD: Int32
    private var stdoutFD: Int32
    private var stderrFD: Int32
    private var pending: [UInt8] = []
    private var pendingStderr: [UInt8] = []
    private var stderrTail: [UInt8] = []

    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    /// Starts `arguments[0]` with `arguments[1...]`, with signals at their
    /// defaults and unblocked (a parent may have blocked or ignored them).
    public init(name: String, arguments: [String], environment: [String: String]? = nil) throws {
        self.name = name
        self.executor = HostThreadExecutor(name: "local \(name)")
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&errors) == 0 else {
            throw SSHError(.channelFailed, host: name, "cannot create pipes: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        for fd in input + output + errors { posix_spawn_file_actions_addclose(&actions, fd) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var child: pid_t = 0
        let rc = withCStrings(arguments) { argv in
            withCStrings(env) { envp in posix_spawn(&child, arguments[0], &actions, &attributes, argv, envp) }
        }
        close(input[0]); close(output[1]); close(errors[1])
        guard rc == 0 else {
            close(input[1]); close(output[0]); close(errors[0])
            throw SSHError(.channelFailed, host: name, "cannot start \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        for fd in [input[1], output[0], errors[0]] {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        pid = child
        stdinFD = input[1]
        stdoutFD = output[0]
        stderrFD = errors[0]
    }

    deinit {
        for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }
        executor.shutdown {}
    }

    /// Writes `request`, then reads stdout until `frame` says a whole
    /// response is there, and returns it (see `SSHConnection.exchange`).
    public func exchange(
        request: [UInt8],
        timeout: Duration? = nil,
        frame: some FrameDetector
    ) throws -> [UInt8] {
        try exchange(request: request, timeout: timeout, decoder: FrameDecoder(frame)).frame
    }

    /// Writes `request`, then feeds stdout and stderr to `decoder` until it
    /// holds a whole response (see `SSHConnection.exchange`).
    public func exchange<Decoder: ResponseDecoder>(
        request: [UInt8],
        timeout: Duration? = nil,
        interruption: (any ExchangeInterruption)? = nil,
        decoder: Decoder
    ) throws -> Decoder {
        guard stdoutFD >= 0 else {
            throw SSHError(.channelFailed, host: name, "the local process has ended; start it again")
        }
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var decoder = decoder
        var outbox = request
        var written = 0
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let done = decoder.advance(stdout: &pending, stderr: &pendingStderr)
            if !decoder.readsStderr { keepStderrTail() }
            if done { return decoder }
            let now = ContinuousClock.now
            if let interruption {
                if written == outbox.count, let extra = interruption.bytesToSend(now: now) { outbox += extra }
                if interruption.shouldAbandon(now: now) {
                    end()
                    throw SSHError(.timeout, host: name, "the local process did not stop when asked; it was killed")
                }
            } else if Task.isCancelled {
                throw CancellationError()
            }
            var waitMilliseconds: Int32 = interruption == nil ? 1000 : 20
            if let deadline {
                let left = deadline - now
                if left <= .zero {
                    end()
                    throw SSHError(.timeout, host: name, "no answer from the local process within \(timeout!.milliseconds) ms; it was stopped")
                }
                waitMilliseconds = Int32(min(Int(waitMilliseconds), max(1, left.milliseconds)))
            }
            var fds = [pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)]
            if written < outbox.count { fds.append(pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0)) }
            _ = poll(&fds, nfds_t(fds.count), waitMilliseconds)
            if fds.count > 2, fds[2].revents != 0 {
                let n = outbox.withUnsafeBytes { write(stdinFD, $0.baseAddress! + written, outbox.count - written) }
                if n > 0 { written += n } else if n < 0, errno != EAGAIN { throw gone() }
            }
            if fds[1].revents != 0 {
                let n = read(stderrFD, &buffer, buffer.count)
                if n > 0 {
                    pendingStderr.append(contentsOf: buffer[..<n])
                } else if n == 0 {
                    // The child closed stderr; poll ignores a negative descriptor.
                    close(stderrFD)
                    stderrFD = -1
                }
            }
            if fds[0].revents != 0 {
                let n = read(stdoutFD, &buffer, buffer.count)
                if n > 0 {
                    pending.append(contentsOf: buffer[..<n])
                } else if n == 0 || errno != EAGAIN {
                    throw gone()
                }
            }
        }
    }

    /// Stderr that no response claims goes to the bounded tail.
    private func keepStderrTail() {
        guard !pendingStderr.isEmpty else { return }
        stderrTail += pendingStderr
        pendingStderr.removeAll(keepingCapacity: true)
        if stderrTail.count > 8192 { stderrTail.removeFirst(stderrTail.count - 8192) }
    }

    /// Closes stdin (the agent exits at EOF) and the other pipes; the child
    /// is killed if it is still there, and reaped.
    public func end() {
        guard stdoutFD >= 0 else { return }
        close(stdinFD)
        var status: Int32 = 0
        // Give it a moment to leave by itself at EOF (it removes its temp files).
        for _ in 0..<200 where waitpid(pid, &status, WNOHANG) == 0 { usleep(5000) }
        if waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        close(stdoutFD)
        if stderrFD >= 0 { close(stderrFD) }
        stdinFD = -1; stdoutFD = -1; stderrFD = -1
    }

    private func gone() -> SSHError {
        keepStderrTail()
        let detail = String(decoding: stderrTail, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        end()
        return SSHError(.channelFailed, host: name, "the local process ended" + (detail.isEmpty ? "" : ": \(detail)"))
    }
}

/// Calls `body` with a NULL-terminated C array of the strings.
private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return body(pointers)
}
