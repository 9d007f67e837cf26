import DroverCore
import Foundation

/// Carries live exec output from connection threads to the run's observer.
/// The agent's bytes arrive on a host's own thread, which must never wait
/// for a subscriber: chunks go into a bounded buffer (the newest kept) and
/// one task hands them on. Stored output does not come from here (it is the
/// whole response, byte-exact), so dropping live chunks loses nothing kept.
final class OutputRelay: Sendable {
    static let bufferLimit = 4096
    let chunks: AsyncStream<OutputChunk>
    private let continuation: AsyncStream<OutputChunk>.Continuation

    init() {
        (chunks, continuation) = AsyncStream.makeStream(of: OutputChunk.self, bufferingPolicy: .bufferingNewest(Self.bufferLimit))
    }

    /// A sink for one host's task: numbers its chunks from 0, both streams
    /// in one sequence (the order they arrived in).
    func sink(host: String, task: TaskID) -> @Sendable (ExecOutputStream, ArraySlice<UInt8>) -> Void {
        let counter = SequenceCounter()
        let continuation = self.continuation
        return { stream, bytes in
            continuation.yield(OutputChunk(taskID: task, host: host, stream: stream == .stdout ? .stdout : .stderr,
                                           sequence: counter.next(), bytes: Array(bytes)))
        }
    }

    /// Hands every chunk to `observer` until `finish`.
    func forward(to observer: any RunObserver) -> Swift.Task<Void, Never> {
        let chunks = self.chunks
        return Swift.Task {
            for await chunk in chunks { await observer.outputChunk(chunk) }
        }
    }

    func finish() {
        continuation.finish()
    }
}

/// A thread-safe 0, 1, 2…
final class SequenceCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.withLock {
            defer { value += 1 }
            return value
        }
    }
}
