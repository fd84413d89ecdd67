import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Spans of the daemon, exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, and nothing at all when it is not. The
/// other `OTEL_*` variables of the OpenTelemetry specification apply as usual
/// (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json` or `http/protobuf`, `OTEL_TRACES_SAMPLER`, …).
/// Only tracing is taken from swift-otel: logs stay JSON lines on stdout and metrics stay
/// Prometheus.
public enum SpanExport {
    /// Query parameters never recorded on a span: they can carry credentials (realtime's
    /// WebSocket takes its token so, since browsers cannot set headers there).
    public static let redactedQueryParameters: Set<String> = ["token", "access_token", "api_key", "key"]

    /// Bootstraps the process-wide tracer and returns the service that batches and sends the
    /// spans (run it in the daemon's service group, before the server, so it shuts down after
    /// it and flushes last), or nil when no endpoint is configured.
    public static func bootstrap(service: String, environment: EnvironmentReader) throws -> (any Service)? {
        let endpoint = environment.optional("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") ?? environment.optional("OTEL_EXPORTER_OTLP_ENDPOINT")
        guard let endpoint, !endpoint.isEmpty else { return nil }
        var configuration = OTel.Configuration.default
        configuration.serviceName = service
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.enabled = true
        configuration.diagnosticLogger = .custom(Logger(label: "\(service).otel"))
        // At info the exporter logs every OTEL_* value it read, OTEL_EXPORTER_OTLP_HEADERS
        // (often a bearer token) included; secrets never go to the logs.
        configuration.diagnosticLogLevel = .warning
        let (tracer, exporter) = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(tracer)
        return exporter
    }
}
