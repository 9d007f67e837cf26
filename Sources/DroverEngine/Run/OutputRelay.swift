import DroverCore
import Foundation

/// Carries live exec output from connection threads to the run's observer.
/// The agent's bytes arrive on a host's own thread, which must never wait
/// for a subscriber: chunks go into a bounded buffer (the newest kept) and
/// one task hands them on. Stored output does not come from here (it is the
/// whole response, byte-exact), so dropping live chunks loses nothing kept.
final class OutputRelay: Sendable {
    struct Chunk: Sendable {
        var host: String
        var task: String
        var stream: ExecOutputStream
        var sequence: Int
        var bytes: [UInt8]
    }

    static let bufferLimit = 4096
    let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation

    init() {
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
    }

    /// A sink for one host's task: numbers its chunks from 1.
    func sink(host: String, task: String) -> @Sendable (ExecOutputStream, ArraySlice<UInt8>) -> Void {
        let counter = SequenceCounter()
        let continuation = self.continuation
        return { stream, bytes in
            continuation.yield(Chunk(host: host, task: task, stream: stream, sequence: counter.next(), bytes: Array(bytes)))
        }
    }

    func finish() {
        continuation.finish()
    }
}

/// A thread-safe 1, 2, 3…
final class SequenceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            value += 1
            return value
        }
    }
}
