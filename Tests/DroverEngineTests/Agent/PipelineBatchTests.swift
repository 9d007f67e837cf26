@testable import DroverEngine
import DroverSSH
import DroverTestSupport
import Foundation
import Testing

@Suite("Pipelined loop requests")
struct PipelineBatchTests {
    /// The in-memory agent, counting the exchanges it is asked for.
    final class Counting: AgentTransport, @unchecked Sendable {
        let inner = MemoryAgentTransport(hostName: "m1")
        let lock = NSLock()
        var exchanges: [[String]] = []
        var failing = false
        var hostName: String { inner.hostName }

        func exchange<Decoder: ResponseDecoder>(_ request: [UInt8], timeout: Duration?,
                                                interruption: (any ExchangeInterruption)?,
                                                decoder: Decoder) async throws -> Decoder {
            let operations = AgentFrame.parseRequests(request).map(\.operation)
            let fail = lock.withLock { exchanges.append(operations); return failing }
            if fail { throw AgentError(.unreachable, host: hostName, "gone") }
            return try await inner.exchange(request, timeout: timeout, interruption: interruption, decoder: decoder)
        }

        func close() async {}
    }

    @Test("first requests wait for every item, go out together in item order, and each gets its own answer; later ones go alone")
    func batches() async throws {
        let transport = Counting()
        let batch = PipelineBatch(count: 3)
        let clients = (0..<3).map { AgentClient(transport).seated(in: batch, index: $0) }
        async let first = clients[0].stat(["/a"])
        async let third = clients[2].exec("echo three")
        try await Swift.Task.sleep(for: .milliseconds(50))
        #expect(transport.exchanges.isEmpty, "item 1 has neither asked nor ended")
        batch.finished(index: 1)
        let (stat, exec) = try await (first, third)
        #expect(stat.count == 1 && !stat[0].exists)
        #expect(exec.stdoutText == "three\n")
        #expect(transport.exchanges == [["stat", "exec"]])
        #expect(batch.batchedItems == [0, 2])
        _ = try await clients[0].stat(["/b"])
        #expect(transport.exchanges == [["stat", "exec"], ["stat"]])
    }

    @Test("a batch that fails fails every request in it")
    func failure() async throws {
        let transport = Counting()
        transport.failing = true
        let batch = PipelineBatch(count: 2)
        let clients = (0..<2).map { AgentClient(transport).seated(in: batch, index: $0) }
        let asks = clients.map { client in Swift.Task { try await client.stat(["/a"]) } }
        for ask in asks { await #expect(throws: AgentError.self) { _ = try await ask.value } }
        #expect(transport.exchanges.count == 1)
    }

    @Test("no item asks: nothing is sent")
    func empty() {
        let transport = Counting()
        let batch = PipelineBatch(count: 2)
        batch.finished(index: 0)
        batch.finished(index: 1)
        #expect(transport.exchanges.isEmpty && batch.batchedItems.isEmpty)
    }
}
