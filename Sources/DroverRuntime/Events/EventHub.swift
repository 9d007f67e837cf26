import Foundation

/// Fans a run's events out to any number of subscribers without ever
/// making the run wait: each subscriber has a bounded buffer of its own and
/// a slow one loses its oldest undelivered events, which it can tell from
/// the gap in the sequence numbers (and fill from `replay`). The last
/// `historyLimit` events are kept, so a late subscriber — a browser that
/// reconnects with `Last-Event-ID` — resumes where it stopped.
public final class EventHub<Event: Sendable>: @unchecked Sendable {
    public struct Numbered: Sendable {
        /// 1, 2, 3… in the order the run emitted them.
        public var sequence: Int
        public var event: Event
    }

    private let lock = NSLock()
    private var history: [Numbered] = []
    private var lastSequence = 0
    private var subscribers: [UUID: AsyncStream<Numbered>.Continuation] = [:]
    private var finished = false
    let historyLimit: Int

    public init(historyLimit: Int = 10_000) {
        self.historyLimit = historyLimit
    }

    /// Hands `event` to every subscriber; never blocks on them.
    public func publish(_ event: Event) {
        lock.withLock {
            guard !finished else { return }
            lastSequence += 1
            let numbered = Numbered(sequence: lastSequence, event: event)
            history.append(numbered)
            if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
            for continuation in subscribers.values { continuation.yield(numbered) }
        }
    }

    /// Events after `sequence` (0: from the start, as far as history goes),
    /// then the live ones, until the run ends. `buffer` bounds what waits
    /// for this subscriber.
    public func subscribe(after sequence: Int = 0, buffer: Int = 1024) -> AsyncStream<Numbered> {
        let (stream, continuation) = AsyncStream.makeStream(of: Numbered.self, bufferingPolicy: .bufferingNewest(max(1, buffer)))
        let id = UUID()
        lock.withLock {
            for numbered in history where numbered.sequence > sequence { continuation.yield(numbered) }
            if finished {
                continuation.finish()
            } else {
                subscribers[id] = continuation
            }
        }
        continuation.onTermination = { [weak self] _ in
            self?.lock.withLock { _ = self?.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    /// The run is over: subscribers get what is buffered, then the end.
    public func finish() {
        let continuations = lock.withLock {
            finished = true
            defer { subscribers.removeAll() }
            return Array(subscribers.values)
        }
        for continuation in continuations { continuation.finish() }
    }
}
