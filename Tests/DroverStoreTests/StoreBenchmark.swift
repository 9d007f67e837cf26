import DroverCore
@testable import DroverStore
import DroverTestSupport
import Foundation
import Testing

/// The store benchmark behind `bench/store/run`: records 1,000,000 task
/// results through RunRecorder (batched, as `drover run` does) and prints
/// the insert rate. Skipped unless DROVER_BENCH=1. DROVER_BENCH_HOME keeps
/// the database there (for the script to time `drover runs`/`show` on it);
/// DROVER_BENCH_RESULTS changes the count.
@Suite("store benchmark")
struct StoreBenchmark {
    static let environment = ProcessInfo.processInfo.environment

    @Test("record 1,000,000 task results", .enabled(if: environment["DROVER_BENCH"] == "1"))
    func insertRate() async throws {
        let total = Int(Self.environment["DROVER_BENCH_RESULTS"] ?? "") ?? 1_000_000
        let keep = Self.environment["DROVER_BENCH_HOME"]
        let home = try keep ?? scratchDirectory("bench-store")
        defer { if keep == nil { try? FileManager.default.removeItem(atPath: home) } }
        let store = try Store(home: home)
        // 10 runs of 200 hosts x 500 tasks (at 1M): mostly ok, 9% changed,
        // 0.1% failed with stderr; every result has a line or two of stdout.
        let hosts = 200, runs = 10
        let tasks = max(1, total / runs / hosts)
        var recorded = 0
        var recording = Duration.zero
        var slowestCall = Duration.zero
        for run in 0..<runs {
            var reports: [HostTaskReport] = []
            reports.reserveCapacity(tasks * hosts)
            for task in 0..<tasks {
                for host in 0..<hosts {
                    let n = task * hosts + host
                    let status: TaskStatus = n % 1000 == 999 ? .failed : n % 11 == 0 ? .changed : .ok
                    reports.append(report("web\(host)", "task \(task): configure component \(task % 37)", status,
                                          id: TaskID(play: 1, path: [task + 1]),
                                          stdout: "component \(task % 37) on web\(host): \(status == .changed ? "updated" : "in place")\nrun \(run)",
                                          stderr: status == .failed ? "error: component \(task) is broken\n" : "",
                                          rc: status == .failed ? 1 : 0, msg: status == .failed ? "non-zero return code" : nil))
                }
            }
            let recorder = try await RunRecorder.start(store: store, info: runInfo("bench-\(run).yml"), forwardingTo: NullObserver())
            let clock = ContinuousClock()
            let started = clock.now
            var lastTask: TaskID?
            for report in reports {
                if report.taskID != lastTask {
                    await recorder.taskStarted(report.task, id: report.taskID, task: nil, hosts: hosts, handler: false)
                    lastTask = report.taskID
                }
                let before = clock.now
                await recorder.hostReported(report)
                slowestCall = max(slowestCall, clock.now - before)
            }
            var stats = HostStats()
            stats.ok = tasks
            let recap = RunRecap(hosts: (0..<hosts).map { ("web\($0)", stats) }, duration: .zero)
            await recorder.runFinished(recap)
            await recorder.finish(status: recap.status, recap: recap)
            recording += clock.now - started
            recorded += reports.count
        }
        let seconds = Double(recording.components.seconds) + Double(recording.components.attoseconds) / 1e18
        let size = (try? FileManager.default.attributesOfItem(atPath: home + "/drover.sqlite")[.size] as? NSNumber)?.intValue ?? 0
        print(String(format: "store bench: recorded %d task results in %d runs in %.2f s: %.0f results/s "
                     + "(%.1f µs each; slowest hostReported call, a batch commit: %.1f ms); database %.0f MiB",
                     recorded, runs, seconds, Double(recorded) / seconds, seconds / Double(recorded) * 1e6,
                     Double(slowestCall.components.attoseconds) / 1e15 + Double(slowestCall.components.seconds) * 1000,
                     Double(size) / 1024 / 1024))
        #expect(try await store.runs(RunFilter()).count == runs)
    }
}
