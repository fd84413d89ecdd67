import Hummingbird
import Logging

/// Logs every request (method and URI) at `level`, like Hummingbird's `LogRequestsMiddleware`
/// but with the URI passed through `LogRedaction`, so a token in a query string (realtime's
/// `?access_token=`) never reaches a log line.
public struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    public init(_ level: Logger.Level) {
        self.level = level
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        context.logger.log(level: level, "Request", metadata: [
            "hb.request.path": .string(LogRedaction.uri(request.uri.description)),
            "hb.request.method": .string(request.method.rawValue),
        ])
        return try await next(request, context)
    }
}
