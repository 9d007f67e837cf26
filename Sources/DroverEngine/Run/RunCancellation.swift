import DroverCore
import Foundation

/// A run's stop signal, shared by everything the run does: the engine stops
/// starting tasks once it is set, and every agent request in flight
/// escalates through `KillEscalation`. Set from any thread (a signal
/// handler's task, the server), read on connection threads.
public final class RunCancellation: @unchecked Sendable {
    private let lock = NSLock()
    private var current: KillEscalation.Request = .none
    /// How long a TERMed command may take to end before it is KILLed.
    public let grace: Duration

    public init(grace: Duration = .seconds(10)) {
        self.grace = grace
    }

    public var request: KillEscalation.Request { lock.withLock { current } }
    public var isCancelled: Bool { request != .none }
    public var isForced: Bool {
        if case .forced = request { return true }
        return false
    }

    /// A task that failed because the run was cancelled under it (its
    /// command killed, its connection given up) ends `cancelled`.
    public func settled(_ status: TaskStatus) -> TaskStatus {
        status == .failed && isCancelled ? .cancelled : status
    }

    /// The first call asks running commands to stop within the grace
    /// period; a second one (or `force`) stops them at once.
    public func cancel(force: Bool = false, now: ContinuousClock.Instant = .now) {
        lock.withLock {
            switch current {
            case .none where !force: current = .graceful(since: now, grace: grace)
            case .forced: break
            default: current = .forced(since: now)
            }
        }
    }
}
