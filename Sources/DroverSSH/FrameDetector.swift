/// Finds where a response ends in the bytes a process has sent so far.
/// `exchange` asks again, with the same buffer grown, after every read; a
/// detector keeps its place so a large response is scanned once, not once
/// per read.
public protocol FrameDetector: Sendable {
    /// The length of the first complete frame in `buffer`, or nil while it
    /// is incomplete.
    mutating func frameLength(in buffer: [UInt8]) -> Int?
}

/// A frame that is one line, its newline included.
public struct LineFrame: FrameDetector {
    public init() {}

    public mutating func frameLength(in buffer: [UInt8]) -> Int? {
        buffer.firstIndex(of: 10).map { $0 + 1 }
    }
}
