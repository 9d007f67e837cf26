/// Round trips per task for `drover run -v`: what a task costs on a WAN.
struct RoundTripTally {
    private var task = (roundTrips: 0, results: 0)
    private var run = (roundTrips: 0, results: 0)

    mutating func add(_ roundTrips: Int) {
        task.roundTrips += roundTrips
        task.results += 1
        run.roundTrips += roundTrips
        run.results += 1
    }

    /// The finished task's line, or nil when it had no results; starts the next.
    mutating func endTask() -> String? {
        defer { task = (0, 0) }
        guard task.results > 0 else { return nil }
        return "round trips: \(Self.ratio(task.roundTrips, task.results)) per host (\(task.roundTrips) for \(task.results) results)"
    }

    var recapLine: String {
        "round trips per task: \(Self.ratio(run.roundTrips, run.results)) (\(run.roundTrips) round trips, \(run.results) host tasks)"
    }

    static func ratio(_ count: Int, _ of: Int) -> String {
        String(format: "%.2f", Double(count) / Double(max(1, of)))
    }
}
