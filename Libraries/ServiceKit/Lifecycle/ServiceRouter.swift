import Hummingbird
import Logging
import HummingbirdCore
import ServiceLifecycle

/// Builds the router every daemon starts from: a span per request, request ids, request
/// metrics, request logging, problem+json errors and the health/metrics endpoints, in that
/// order, so that every route added after gets them.
public enum ServiceRouter {
    public static func make<Context: IdentifiedRequestContext>(
        service: String, checks: [ReadinessCheck], context: Context.Type = ServiceRequestContext.self
    ) -> Router<Context> {
        let router = Router(context: Context.self)
        // Outermost, so a request's span covers all the rest; a no-op unless SpanExport
        // bootstrapped a tracer. A caller's `traceparent` makes the span part of its trace.
        router.add(middleware: TracingMiddleware<Context>(redactingQueryParameters: SpanExport.redactedQueryParameters))
        router.add(middleware: RequestIDMiddleware<Context>())
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: RequestLogMiddleware<Context>(.debug))
        router.add(middleware: ProblemMiddleware<Context>())
        HealthRoutes<Context>(service: service, checks: checks).register(on: router)
        return router
    }

    /// The application around a router, listening where the config says.
    public static func application<Responder: HTTPResponder>(
        responder: Responder, server: ServerConfig, services: [any Service] = [], logger: Logger,
        http: HTTPServerBuilder = .http1()
    ) -> Application<Responder> where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        Application(
            responder: responder,
            server: http,
            configuration: .init(address: .hostname(server.host, port: server.port), serverName: nil),
            services: services,
            logger: logger)
    }
}
