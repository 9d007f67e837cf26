import DroverCore

/// The recap of a run that ended without one (its controller died),
/// rebuilt from the results it recorded: task by task, as the engine counts
/// them (a loop's items make one task; ok includes changed and ignored).
enum RecoveredStats {
    struct Result: Sendable {
        var host: String
        /// Which task of the run (results of one loop share it).
        var taskIndex: Int
        var status: TaskStatus
        var ignored: Bool
        var rescued: Bool
    }

    static func stats(_ results: [Result]) -> [String: HostStats] {
        var byTask: [String: [Int: [Result]]] = [:]
        for result in results { byTask[result.host, default: [:]][result.taskIndex, default: []].append(result) }
        return byTask.mapValues { tasks in
            var stats = HostStats()
            for items in tasks.values { count(items, into: &stats) }
            return stats
        }
    }

    /// One task's outcome from its items: the worst of them wins.
    private static func count(_ items: [Result], into stats: inout HostStats) {
        let changed = items.contains { $0.status == .changed }
        if let unreachable = items.first(where: { $0.status == .unreachable }) {
            if unreachable.ignored { stats.ignored += 1 } else { stats.unreachable += 1 }
        } else if let failed = items.first(where: { $0.status == .failed && !$0.ignored }) {
            if failed.rescued { stats.rescued += 1 } else { stats.failed += 1 }
        } else if items.contains(where: { $0.status == .failed }) {
            stats.ok += 1; stats.ignored += 1
            if changed { stats.changed += 1 }
        } else if items.contains(where: { $0.status == .cancelled }) {
            stats.cancelled += 1
        } else if changed {
            stats.ok += 1; stats.changed += 1
        } else if items.allSatisfy({ $0.status == .skipped }) {
            stats.skipped += 1
        } else {
            stats.ok += 1
        }
    }
}
