import DroverEngine
import Testing

@Suite("Stopping a running command when its run is cancelled")
struct KillEscalationTests {
    static let start = ContinuousClock.now
    static func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int(seconds * 1000)) }

    @Test("nothing happens while nobody cancels")
    func idle() {
        var escalation = KillEscalation()
        #expect(escalation.actions(for: .none, now: Self.at(100)).isEmpty)
    }

    @Test("a cancel sends TERM once, KILL when the grace is over, then gives up on the channel")
    func graceful() {
        var escalation = KillEscalation()
        let request = KillEscalation.Request.graceful(since: Self.at(0), grace: .seconds(10))
        #expect(escalation.actions(for: request, now: Self.at(0)) == [.sendTerm])
        #expect(escalation.actions(for: request, now: Self.at(5)).isEmpty)
        #expect(escalation.actions(for: request, now: Self.at(9.99)).isEmpty)
        #expect(escalation.actions(for: request, now: Self.at(10)) == [.sendKill])
        #expect(escalation.actions(for: request, now: Self.at(12)).isEmpty)
        #expect(escalation.actions(for: request, now: Self.at(13)) == [.abandon])
    }

    @Test("a request that starts after the grace is over gets TERM and KILL at once")
    func lateRequest() {
        var escalation = KillEscalation()
        let request = KillEscalation.Request.graceful(since: Self.at(0), grace: .seconds(1))
        #expect(escalation.actions(for: request, now: Self.at(2)) == [.sendTerm, .sendKill])
    }

    @Test("a zero grace kills at once")
    func zeroGrace() {
        var escalation = KillEscalation()
        #expect(escalation.actions(for: .graceful(since: Self.at(0), grace: .zero), now: Self.at(0)) == [.sendTerm, .sendKill])
    }

    @Test("a forced stop after a graceful one kills at once, without a second TERM")
    func forcedAfterGraceful() {
        var escalation = KillEscalation()
        #expect(escalation.actions(for: .graceful(since: Self.at(0), grace: .seconds(10)), now: Self.at(1)) == [.sendTerm])
        #expect(escalation.actions(for: .forced(since: Self.at(2)), now: Self.at(2)) == [.sendKill])
        #expect(escalation.actions(for: .forced(since: Self.at(2)), now: Self.at(4.9)).isEmpty)
        #expect(escalation.actions(for: .forced(since: Self.at(2)), now: Self.at(5)) == [.abandon])
    }

    @Test("RunCancellation: the first cancel is graceful, the second forced; failures under a cancel count as cancelled")
    func signal() {
        let cancellation = RunCancellation(grace: .seconds(3))
        #expect(!cancellation.isCancelled)
        #expect(cancellation.settled(.failed) == .failed)
        cancellation.cancel(now: Self.at(0))
        #expect(cancellation.request == .graceful(since: Self.at(0), grace: .seconds(3)))
        #expect(cancellation.settled(.failed) == .cancelled)
        #expect(cancellation.settled(.changed) == .changed)
        cancellation.cancel(now: Self.at(1))
        #expect(cancellation.request == .forced(since: Self.at(1)))
        cancellation.cancel(now: Self.at(2))
        #expect(cancellation.request == .forced(since: Self.at(1)))
    }
}
