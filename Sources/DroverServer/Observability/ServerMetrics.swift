import DroverCore
import DroverStore
import Foundation
import Prometheus

/// The server's Prometheus metrics: request latencies as they happen; runs
/// by status, queue length and running hosts read when scraped (so they
/// count CLI runs in the same store too).
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let queueLength: Gauge
    private let runningRuns: Gauge
    private let runningHosts: Gauge
    private let runsByStatus: [RunStatus: Gauge]
    static let latencyBuckets: [Duration] = [.milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                             .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    public init() {
        queueLength = registry.makeGauge(descriptor: Self.name("queue_length", "Runs waiting for a slot."), labels: [])
        runningRuns = registry.makeGauge(descriptor: Self.name("running_runs", "Runs this server is executing."), labels: [])
        runningHosts = registry.makeGauge(descriptor: Self.name("running_hosts", "Hosts targeted by running runs."), labels: [])
        var byStatus: [RunStatus: Gauge] = [:]
        for status in RunStatus.allCases {
            byStatus[status] = registry.makeGauge(descriptor: Self.name("runs", "Recorded runs by status."),
                                                  labels: [("status", status.rawValue)])
        }
        runsByStatus = byStatus
    }

    static func name(_ metric: String, _ help: String, unit: String = "") -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "drover", metricName: metric, unitName: unit, helpText: help)
    }

    /// One request's latency, by route pattern (never the raw path: ids
    /// would make a series per run).
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        registry.makeDurationHistogram(descriptor: Self.name("http_request_duration", "HTTP request latency.", unit: "seconds"),
                                       labels: [("route", route), ("method", method), ("status", String(status))],
                                       buckets: Self.latencyBuckets).record(duration)
    }

    /// The exposition text, with the gauges read now.
    func scrape(store: Store, queue: RunQueue) async throws -> String {
        let counts = try await store.runCountsByStatus()
        for (status, gauge) in runsByStatus { gauge.set(Double(counts[status] ?? 0)) }
        let load = await queue.load
        queueLength.set(Double(load.queued))
        runningRuns.set(Double(load.running))
        runningHosts.set(Double(load.runningHosts))
        return registry.emitToString()
    }
}
