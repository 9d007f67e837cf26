/// How one host ended one task, as far as failure handling cares.
public enum TaskOutcome: Sendable, Equatable {
    case ok
    case changed
    case skipped
    /// Failed, and not rescued or ignored.
    case failed
    case unreachable
    /// Failed but `ignore_errors` (or `ignore_unreachable`) let it go on.
    case ignored
    /// Failed inside a block whose `rescue` handled it.
    case rescued

    var stopsHost: Bool { self == .failed || self == .unreachable }
}

/// The failure decisions of a play with batches (Ansible's linear strategy
/// rules), as a pure state machine: feed it each task's outcomes, it says
/// which hosts go on and whether the play stops.
public struct FailureTracker: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Run the next task on these hosts (the batch's hosts still active).
        case continueWith([String])
        /// Stop the whole play: no more tasks, no more batches.
        case stopPlay(StopReason)
    }

    public enum StopReason: Sendable, Equatable {
        /// `any_errors_fatal`: a host failed, so every host of the batch fails.
        case anyErrorsFatal(host: String)
        /// More than `max_fail_percentage` of the batch failed.
        case maxFailPercentage(failed: Int, of: Int, limit: Double)
        /// Every host of the batch failed or became unreachable.
        case allHostsFailed
    }

    public let maxFailPercentage: Double?
    public let anyErrorsFatal: Bool
    public private(set) var batch: [String] = []
    public private(set) var active: [String] = []
    /// Hosts that failed in the batch (including unreachable ones).
    public private(set) var failedInBatch: Set<String> = []
    /// Every host that failed or was unreachable, across batches.
    public private(set) var failedInPlay: Set<String> = []
    public private(set) var stopped: StopReason?

    public init(maxFailPercentage: Double? = nil, anyErrorsFatal: Bool = false) {
        self.maxFailPercentage = maxFailPercentage
        self.anyErrorsFatal = anyErrorsFatal
    }

    /// Starts a batch; returns nil when the play was already stopped.
    public mutating func startBatch(_ hosts: [String]) -> [String]? {
        guard stopped == nil else { return nil }
        batch = hosts
        active = hosts
        failedInBatch = []
        return active
    }

    /// Records one task's outcomes for the active hosts and decides what follows.
    public mutating func record(_ outcomes: [String: TaskOutcome]) -> Decision {
        if let stopped { return .stopPlay(stopped) }
        let newlyFailed = active.filter { outcomes[$0]?.stopsHost == true }
        failedInBatch.formUnion(newlyFailed)
        failedInPlay.formUnion(newlyFailed)
        active.removeAll(where: newlyFailed.contains)

        if anyErrorsFatal, let first = newlyFailed.first {
            return stop(.anyErrorsFatal(host: first), failingAll: true)
        }
        if let limit = maxFailPercentage, !batch.isEmpty {
            let percent = Double(failedInBatch.count) / Double(batch.count) * 100
            if percent > limit {
                return stop(.maxFailPercentage(failed: failedInBatch.count, of: batch.count, limit: limit), failingAll: true)
            }
        }
        if !batch.isEmpty && active.isEmpty && failedInBatch.count == batch.count {
            return stop(.allHostsFailed, failingAll: false)
        }
        return .continueWith(active)
    }

    private mutating func stop(_ reason: StopReason, failingAll: Bool) -> Decision {
        if failingAll {
            // Ansible marks the rest of the batch failed too.
            failedInPlay.formUnion(batch)
            failedInBatch.formUnion(batch)
        }
        active = []
        stopped = reason
        return .stopPlay(reason)
    }
}
