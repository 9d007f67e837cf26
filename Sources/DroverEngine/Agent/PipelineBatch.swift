import DroverSSH
import Foundation

/// The requests of a loop's items sent to the agent together (issue 19):
/// every item runs at once up to its first request, which waits in its
/// item's slot; once each item has either asked or ended without asking,
/// the waiting requests go out in item order as one write and come back
/// in one exchange, answered in order. A request made after that (an
/// item's second) goes alone. The agent runs requests one after the other,
/// so the host sees the items in the same order as without the batch.
final class PipelineBatch: @unchecked Sendable {
    private struct Waiting {
        var transport: any AgentTransport
        var interruption: (any ExchangeInterruption)?
        var request: [UInt8]
        var timeout: Duration?
        var decoder: any ResponseDecoder
        var continuation: CheckedContinuation<any ResponseDecoder, any Error>
    }
    private enum Slot {
        case open, waiting(Waiting), done
        var isOpen: Bool { if case .open = self { true } else { false } }
    }

    private let lock = NSLock()
    private var slots: [Slot]
    private var sent = false
    private var joined: [Int] = []

    /// One slot per item. The items must share one agent (`LoopPipelining`
    /// admits only tasks whose items do).
    init(count: Int) {
        slots = Array(repeating: .open, count: count)
    }

    /// The items whose first request went out in the batch, in order.
    var batchedItems: [Int] { lock.withLock { joined } }

    /// Item `index`'s request: in the batch when it is the item's first
    /// and the batch has not gone yet, else on its own.
    func exchange<Decoder: ResponseDecoder>(index: Int, via transport: any AgentTransport, _ request: [UInt8],
                                            timeout: Duration?, interruption: (any ExchangeInterruption)?,
                                            decoder: Decoder) async throws -> Decoder {
        guard lock.withLock({ !sent && slots[index].isOpen }) else {
            return try await transport.exchange(request, timeout: timeout, interruption: interruption, decoder: decoder)
        }
        let answered = try await withCheckedThrowingContinuation { continuation in
            let ready = lock.withLock {
                slots[index] = .waiting(Waiting(transport: transport, interruption: interruption, request: request,
                                                timeout: timeout, decoder: decoder, continuation: continuation))
                return takeBatchIfReady()
            }
            if let ready { send(ready) }
        }
        guard let typed = answered as? Decoder else { preconditionFailure("a batch answers each request with its own decoder") }
        return typed
    }

    /// Item `index` ended: if it never asked, the batch no longer waits for it.
    func finished(index: Int) {
        let ready = lock.withLock {
            if slots[index].isOpen { slots[index] = .done }
            return takeBatchIfReady()
        }
        if let ready { send(ready) }
    }

    /// With the lock held: the waiting requests once no item is still open.
    private func takeBatchIfReady() -> [Waiting]? {
        guard !sent else { return nil }
        var waiting: [Waiting] = [], indexes: [Int] = []
        for (index, slot) in slots.enumerated() {
            switch slot {
            case .open: return nil
            case .waiting(let w): waiting.append(w); indexes.append(index)
            case .done: break
            }
        }
        sent = true
        joined = indexes
        return waiting.isEmpty ? nil : waiting
    }

    private func send(_ batch: [Waiting]) {
        let transport = batch[0].transport, interruption = batch[0].interruption
        Swift.Task {
            let request = batch.flatMap(\.request)
            // The batch may wait as long as its requests together may.
            let timeout: Duration? = batch.contains { $0.timeout == nil } ? nil
                : batch.compactMap(\.timeout).reduce(.zero, +)
            do {
                let decoded = try await transport.exchange(request, timeout: timeout, interruption: interruption,
                                                           decoder: SequenceDecoder(batch.map(\.decoder)))
                for (waiting, answer) in zip(batch, decoded.decoders) { waiting.continuation.resume(returning: answer) }
            } catch {
                for waiting in batch { waiting.continuation.resume(throwing: error) }
            }
        }
    }
}

/// One item's view of the batch: the agent's transport, but its requests
/// go through the batch.
struct PipelineSeat: AgentTransport {
    let batch: PipelineBatch
    let index: Int
    let transport: any AgentTransport
    var hostName: String { transport.hostName }

    func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                            interruption: (any ExchangeInterruption)?,
                                            decoder: Decoder) async throws -> Decoder {
        try await batch.exchange(index: index, via: transport, request, timeout: timeout, interruption: interruption,
                                 decoder: decoder)
    }

    func close() async { await transport.close() }
    func takeHelloFacts() -> String? { transport.takeHelloFacts() }
}

extension AgentClient {
    /// This client with its requests going through item `index`'s slot of `batch`.
    func seated(in batch: PipelineBatch, index: Int) -> AgentClient {
        var seated = AgentClient(PipelineSeat(batch: batch, index: index, transport: transport))
        seated.primitiveTimeout = primitiveTimeout
        seated.cancellation = cancellation
        seated.roundTrips = roundTrips
        seated.onOutput = onOutput
        seated.contents = contents
        return seated
    }
}
