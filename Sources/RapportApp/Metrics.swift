import Prometheus
import RapportHTTP

/// Request metrics in a Prometheus registry owned by the application (no global metrics system).
final class PrometheusRequestMetrics: RequestMetrics {
    let registry: PrometheusCollectorRegistry
    private static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    init(registry: PrometheusCollectorRegistry) { self.registry = registry }

    func record(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(
                metricName: "rapport_http_requests_total", unitName: "", helpText: "HTTP requests by route and status"),
            labels: [("method", method), ("route", route), ("status", String(status))]
        ).increment()
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(
                metricName: "rapport_http_request_duration_seconds", unitName: "", helpText: "HTTP request latency"),
            labels: [("method", method), ("route", route)], buckets: Self.buckets
        ).record(duration)
    }
}
