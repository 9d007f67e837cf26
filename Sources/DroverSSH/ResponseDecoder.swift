/// Reads one response of a long-lived process as its bytes arrive, on
/// stdout and, when it asks for it, on stderr too (the agent streams an
/// exec's stderr there). `exchange` hands it everything unread so far; the
/// decoder takes what belongs to its response from the front of each buffer
/// and leaves the rest for the next exchange.
public protocol ResponseDecoder: Sendable {
    /// Whether stderr bytes belong to the response; when false they are only
    /// kept (bounded) for error messages.
    var readsStderr: Bool { get }
    /// Consumes from the front of `stdout` and `stderr`; true once the
    /// response is whole.
    mutating func advance(stdout: inout [UInt8], stderr: inout [UInt8]) -> Bool
}

/// A `FrameDetector` as a decoder: the response is one frame of stdout.
public struct FrameDecoder<Detector: FrameDetector>: ResponseDecoder {
    private var detector: Detector
    public private(set) var frame: [UInt8] = []
    public var readsStderr: Bool { false }

    public init(_ detector: Detector) {
        self.detector = detector
    }

    public mutating func advance(stdout: inout [UInt8], stderr: inout [UInt8]) -> Bool {
        guard let length = detector.frameLength(in: stdout), stdout.count >= length else { return false }
        frame = Array(stdout[..<length])
        stdout.removeFirst(length)
        return true
    }
}

/// What an exchange writes besides its request while it waits (the agent's
/// `kill` requests when a run is cancelled), and when it gives up. Polled
/// by the exchange loop on the connection's thread, so it must be cheap and
/// thread-safe.
public protocol ExchangeInterruption: Sendable {
    /// Bytes to write now (after the whole request), or nil.
    func bytesToSend(now: ContinuousClock.Instant) -> [UInt8]?
    /// True when waiting longer is pointless: the exchange ends the process
    /// and throws `.timeout`.
    func shouldAbandon(now: ContinuousClock.Instant) -> Bool
}
