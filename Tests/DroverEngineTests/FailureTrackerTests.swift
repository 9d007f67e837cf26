import DroverEngine
import Testing

@Suite("Failure decisions (max_fail_percentage, any_errors_fatal)")
struct FailureTrackerTests {
    static let batch = ["a", "b", "c", "d"]

    @Test("failed and unreachable hosts leave the batch; the others go on")
    func failedHostsDrop() {
        var tracker = FailureTracker()
        _ = tracker.startBatch(Self.batch)
        #expect(tracker.record(["a": .ok, "b": .failed, "c": .unreachable, "d": .changed]) == .continueWith(["a", "d"]))
        #expect(tracker.record(["a": .ok, "d": .ok]) == .continueWith(["a", "d"]))
        #expect(tracker.failedInPlay == ["b", "c"])
    }

    @Test("ignored, rescued and skipped results do not fail a host")
    func notFailures() {
        var tracker = FailureTracker(maxFailPercentage: 0)
        _ = tracker.startBatch(Self.batch)
        #expect(tracker.record(["a": .ignored, "b": .rescued, "c": .skipped, "d": .ok]) == .continueWith(Self.batch))
    }

    @Test("any_errors_fatal stops the play at the first failure and fails the whole batch")
    func anyErrorsFatal() {
        var tracker = FailureTracker(anyErrorsFatal: true)
        _ = tracker.startBatch(Self.batch)
        #expect(tracker.record(["a": .ok, "b": .ok, "c": .ok, "d": .ok]) == .continueWith(Self.batch))
        #expect(tracker.record(["a": .ok, "b": .failed, "c": .ok, "d": .ok]) == .stopPlay(.anyErrorsFatal(host: "b")))
        #expect(tracker.failedInPlay == Set(Self.batch))
        #expect(tracker.startBatch(["e"]) == nil)
    }

    @Test("max_fail_percentage stops only when strictly exceeded", arguments: [
        (0.0, 1, true), (25.0, 1, false), (25.0, 2, true), (49.0, 2, true), (50.0, 2, false), (100.0, 3, false),
    ])
    func maxFailPercentage(limit: Double, failures: Int, stops: Bool) {
        var tracker = FailureTracker(maxFailPercentage: limit)
        _ = tracker.startBatch(Self.batch)
        var outcomes: [String: TaskOutcome] = [:]
        for (index, host) in Self.batch.enumerated() { outcomes[host] = index < failures ? .failed : .ok }
        let decision = tracker.record(outcomes)
        if stops {
            #expect(decision == .stopPlay(.maxFailPercentage(failed: failures, of: 4, limit: limit)))
        } else {
            #expect(decision == .continueWith(Array(Self.batch.dropFirst(failures))))
        }
    }

    @Test("the percentage counts failures across the batch's tasks, and restarts with each batch")
    func perBatch() {
        var tracker = FailureTracker(maxFailPercentage: 30)
        _ = tracker.startBatch(Self.batch)
        #expect(tracker.record(["a": .failed, "b": .ok, "c": .ok, "d": .ok]) == .continueWith(["b", "c", "d"]))
        #expect(tracker.record(["b": .unreachable, "c": .ok, "d": .ok]) == .stopPlay(.maxFailPercentage(failed: 2, of: 4, limit: 30)))

        var fresh = FailureTracker(maxFailPercentage: 30)
        _ = fresh.startBatch(Self.batch)
        #expect(fresh.record(["a": .failed, "b": .ok, "c": .ok, "d": .ok]) == .continueWith(["b", "c", "d"]))
        #expect(fresh.startBatch(["e", "f", "g", "h"]) == ["e", "f", "g", "h"])
        #expect(fresh.record(["e": .failed, "f": .ok, "g": .ok, "h": .ok]) == .continueWith(["f", "g", "h"]))
        #expect(fresh.failedInPlay == ["a", "e"])
    }

    @Test("a batch whose every host failed stops the play, even without a limit")
    func allFailed() {
        var tracker = FailureTracker()
        _ = tracker.startBatch(["a", "b"])
        #expect(tracker.record(["a": .failed, "b": .ok]) == .continueWith(["b"]))
        #expect(tracker.record(["b": .unreachable]) == .stopPlay(.allHostsFailed))
        #expect(tracker.startBatch(["c"]) == nil)
    }

    @Test("every combination of outcomes on a 3-host batch agrees with the rules")
    func exhaustive() {
        let all: [TaskOutcome] = [.ok, .changed, .skipped, .failed, .unreachable, .ignored, .rescued]
        let hosts = ["x", "y", "z"]
        for limit in [nil, 0.0, 33.0, 34.0, 66.0, 67.0, 100.0] {
            for fatal in [false, true] {
                for a in all { for b in all { for c in all {
                    var tracker = FailureTracker(maxFailPercentage: limit, anyErrorsFatal: fatal)
                    _ = tracker.startBatch(hosts)
                    let outcomes = ["x": a, "y": b, "z": c]
                    let failed = hosts.filter { [.failed, .unreachable].contains(outcomes[$0]!) }
                    let decision = tracker.record(outcomes)
                    if fatal && !failed.isEmpty {
                        #expect(decision == .stopPlay(.anyErrorsFatal(host: failed[0])))
                    } else if let limit, Double(failed.count) / 3 * 100 > limit {
                        #expect(decision == .stopPlay(.maxFailPercentage(failed: failed.count, of: 3, limit: limit)))
                    } else if failed.count == 3 {
                        #expect(decision == .stopPlay(.allHostsFailed))
                    } else {
                        #expect(decision == .continueWith(hosts.filter { !failed.contains($0) }))
                    }
                } } }
            }
        }
    }
}
