import DroverCore
import DroverSSH
import Foundation

/// Connects one agent request to its run's cancellation: the exchange loop
/// polls it and writes the `kill` requests it returns.
final class KillInterruption: ExchangeInterruption, @unchecked Sendable {
    private let cancellation: RunCancellation
    private let lock = NSLock()
    private var escalation = KillEscalation()
    private var abandoned = false

    init(_ cancellation: RunCancellation) {
        self.cancellation = cancellation
    }

    func bytesToSend(now: ContinuousClock.Instant) -> [UInt8]? {
        let request = cancellation.request
        guard request != .none else { return nil }
        var bytes: [UInt8] = []
        lock.withLock {
            for action in escalation.actions(for: request, now: now) {
                switch action {
                case .sendTerm: bytes += AgentFrame.request("kill", [Array("TERM".utf8)], token: AgentFrame.newToken())
                case .sendKill: bytes += AgentFrame.request("kill", [Array("KILL".utf8)], token: AgentFrame.newToken())
                case .abandon: abandoned = true
                }
            }
        }
        return bytes.isEmpty ? nil : bytes
    }

    func shouldAbandon(now: ContinuousClock.Instant) -> Bool {
        lock.withLock { abandoned }
    }
}
