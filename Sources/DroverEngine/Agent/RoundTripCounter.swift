import Foundation

/// Counts the waits on the network one task causes: agent requests, and the
/// SSH exchanges of starting an agent. On a WAN these, not CPU, are what a
/// task costs (bench/wan); `drover run -v` shows them.
public final class RoundTripCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    public init() {}

    public func add(_ n: Int) {
        lock.withLock { count += n }
    }

    public var total: Int { lock.withLock { count } }
}
