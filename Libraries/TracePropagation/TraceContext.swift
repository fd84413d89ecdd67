import Tracing

/// The W3C trace context across the boundaries the tracer cannot see by itself: a job in
/// Redis (its envelope's `traceparent` field), an event in the outbox, a log line. Outgoing HTTP calls carry it already:
/// AsyncHTTPClient opens a client span in the current context and writes its headers. With
/// no tracer bootstrapped (no OTLP endpoint) every call here is a no-op.
public enum TraceContext {
    /// The current span's `traceparent`, to put into a job; nil when nothing is traced.
    public static func currentTraceparent() -> String? {
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(ServiceContext.current ?? .topLevel, into: &carrier, using: DictionaryInjector())
        return carrier["traceparent"]
    }

    /// The current trace's id (32 hex digits), for log lines; nil when nothing is traced.
    public static func currentTraceID() -> String? {
        currentTraceparent().flatMap(traceID(of:))
    }

    /// The trace id in a `traceparent` (`00-<trace id>-<span id>-<flags>`), nil when it has none.
    public static func traceID(of traceparent: String) -> String? {
        let parts = traceparent.split(separator: "-")
        return parts.count >= 3 && parts[1].utf8.count == 32 ? String(parts[1]) : nil
    }

    /// The context a job's work continues: the trace its producer was in, if it said.
    static func context(continuing traceparent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let traceparent {
            InstrumentationSystem.instrument.extract(["traceparent": traceparent], into: &context, using: DictionaryExtractor())
        }
        return context
    }

    /// Runs a job's work in a span of its own, a child of the producer's span when the job
    /// says which (`traceparent`); calls made inside carry the trace on.
    public static func withJobSpan<T>(_ name: String, continuing traceparent: String?, jobID: String,
                                      _ work: () async throws -> T) async throws -> T {
        try await withSpan(name, context: context(continuing: traceparent), ofKind: .consumer) { span in
            span.attributes["messaging.message.id"] = jobID
            return try await work()
        }
    }
}

struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) { carrier[key] = value }
}

struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
