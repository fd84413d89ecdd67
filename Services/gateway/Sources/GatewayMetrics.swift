import HTTPTypes
import Metrics
import Synchronization

/// What the gateway counts beyond Hummingbird's per-route metrics: answers by route class
/// and status (`pcs_gateway_requests_total`), and per upstream its latency to the first byte
/// (`pcs_gateway_upstream_seconds`), its retries (`pcs_gateway_upstream_retries_total`) and whether
/// its circuit is open (`pcs_gateway_breaker_open`).
/// The limiter counts its own decisions (`pcs_rate_limit_decisions_total`).
final class GatewayMetrics: Sendable {
    private struct Key: Hashable {
        let routeClass: String
        let status: Int
    }

    private let counters = Mutex<[Key: Counter]>([:])

    func recordAnswer(routeClass: String, status: Int) {
        let key = Key(routeClass: routeClass, status: status)
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "pcs_gateway_requests_total",
                                  dimensions: [("class", routeClass), ("status", String(status))])
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// One upstream's instruments, made once.
    struct Upstream: Sendable {
        let latency: Timer
        let breakerOpen: Gauge
        let retries: Counter

        init(name: String) {
            latency = Timer(label: "pcs_gateway_upstream_seconds", dimensions: [("upstream", name)],
                            preferredDisplayUnit: .seconds)
            breakerOpen = Gauge(label: "pcs_gateway_breaker_open", dimensions: [("upstream", name)])
            breakerOpen.record(0)
            retries = Counter(label: "pcs_gateway_upstream_retries_total", dimensions: [("upstream", name)])
        }

        func recordLatency(_ duration: Duration) {
            latency.recordNanoseconds(duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        }

        func recordBreaker(_ open: Bool) {
            breakerOpen.record(open ? 1 : 0)
        }
    }
}
