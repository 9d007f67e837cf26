/// What a remote command left behind. stdout and stderr are kept apart and
/// byte-exact (any bytes, any size).
public struct ExecResult: Sendable, Equatable {
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    /// nil when the command died from a signal (see `exitSignal`).
    public var exitStatus: Int32?
    /// The signal name without "SIG" (e.g. "KILL"), when the command died from one.
    public var exitSignal: String?

    public init(stdout: [UInt8] = [], stderr: [UInt8] = [], exitStatus: Int32? = nil, exitSignal: String? = nil) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitStatus = exitStatus
        self.exitSignal = exitSignal
    }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// Which stream a chunk of streamed output came from.
public enum ExecStream: Sendable, Hashable {
    case stdout
    case stderr
}

/// How a streamed command ended.
public struct ExecStatus: Sendable, Equatable {
    public var exitStatus: Int32?
    public var exitSignal: String?
}
