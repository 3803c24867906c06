import Foundation
import Prometheus
import Workspace

/// The server's Prometheus metrics (`GET /metrics`), in a registry of its own (no global state, so
/// several servers in one process — the tests — keep theirs apart):
///
/// | metric | labels | what |
/// | --- | --- | --- |
/// | `marquee_http_requests_total` | route, method, status | requests answered |
/// | `marquee_http_request_duration_seconds` | route, method | time from the request's head to its response |
/// | `marquee_snapshot_age_seconds` | | seconds since the snapshot in use was loaded |
/// | `marquee_snapshot_generation` | | 1 at start, one more per reload |
/// | `marquee_snapshot_load_seconds` | | how long the snapshot in use took to load |
/// | `marquee_reloads_total` | result (ok, failed) | reloads attempted |
///
/// `route` is the route's pattern (`/api/v1/movies/{id}`), or `unmatched`, so ids never multiply the series.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    private static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "marquee", metricName: "http_requests", unitName: "total",
                                                       helpText: "HTTP requests answered, by route pattern, method and status.") }
    private static var duration: MetricNameDescriptor { MetricNameDescriptor(namespace: "marquee", metricName: "http_request_duration", unitName: "seconds",
                                                       helpText: "Time from a request's head to its response, by route pattern and method.") }
    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .microseconds(2500), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private let age: Gauge
    private let generation: Gauge
    private let loadSeconds: Gauge
    private let reloadsOK: Counter
    private let reloadsFailed: Counter
    private let loadedAt = LoadedAt()

    init() {
        age = registry.makeGauge(descriptor: .init(namespace: "marquee", metricName: "snapshot_age", unitName: "seconds",
                                                   helpText: "Seconds since the snapshot in use was loaded (0 before the first)."))
        generation = registry.makeGauge(descriptor: .init(namespace: "marquee", metricName: "snapshot_generation", unitName: "",
                                                          helpText: "Generation of the snapshot in use: 1 at start, one more per reload."))
        loadSeconds = registry.makeGauge(descriptor: .init(namespace: "marquee", metricName: "snapshot_load", unitName: "seconds",
                                                           helpText: "How long the snapshot in use took to load."))
        let reloads = MetricNameDescriptor(namespace: "marquee", metricName: "reloads", unitName: "total", helpText: "Reloads attempted, by result.")
        reloadsOK = registry.makeCounter(descriptor: reloads, labels: [("result", "ok")])
        reloadsFailed = registry.makeCounter(descriptor: reloads, labels: [("result", "failed")])
    }

    /// Counts one answered request and its duration.
    func record(route: String, method: String, status: Int, seconds: Duration) {
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]).increment()
        registry.makeDurationHistogram(descriptor: Self.duration, labels: [("route", route), ("method", method)], buckets: Self.buckets)
            .record(seconds)
    }

    func snapshotLoaded(_ snapshot: ServingSnapshot, reload: Bool) {
        loadedAt.set(snapshot.loadedAt)
        generation.set(Double(snapshot.generation))
        loadSeconds.set(snapshot.loadSeconds)
        if reload { reloadsOK.increment() }
    }

    func reloadFailed() { reloadsFailed.increment() }

    /// The Prometheus text exposition of every metric, the snapshot's age brought up to date.
    func render() -> [UInt8] {
        if let date = loadedAt.value { age.set(max(0, Date().timeIntervalSince(date))) }
        return registry.emitToBuffer()
    }

    private final class LoadedAt: @unchecked Sendable {   // `date` is guarded by `lock`
        private let lock = NSLock()
        private var date: Date?
        var value: Date? { lock.lock(); defer { lock.unlock() }; return date }
        func set(_ d: Date) { lock.lock(); date = d; lock.unlock() }
    }
}
