import Metrics
import Prometheus
import Synchronization

/// The process-wide Prometheus registry behind `swift-metrics`, bootstrapped once, so that
/// every `Counter`/`Timer` in the suite (Hummingbird's included) shows up on `/metrics`.
public enum MetricsRegistry {
    private static let state = Mutex<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps the metrics system on first use and returns the registry.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        state.withLock { registry in
            if let registry { return registry }
            let created = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: created))
            registry = created
            return created
        }
    }

    /// The registry's text exposition, as served on `/metrics`.
    public static func exposition() -> [UInt8] {
        bootstrap().emitToBuffer()
    }
}
