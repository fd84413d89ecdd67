import Foundation
import HTTPTypes
import Hummingbird
import TracePropagation

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-Id")!
    public static let apiKey = HTTPField.Name("X-API-Key")!
}

/// Gives every request an id: the caller's `X-Request-Id` when it is sane, else a new one.
/// The id goes into the logger metadata and back on every response (errors included); so
/// does the request's trace id, when it is traced, so its log lines and spans can be joined.
public struct RequestIDMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.sanitized) ?? Self.generate()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        if let traceID = TraceContext.currentTraceID() { context.logger[metadataKey: "trace_id"] = .string(traceID) }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = ProblemMiddleware<Context>.response(for: error, request: request, context: context)
        }
        response.headers[.requestID] = id
        return response
    }

    /// Accepts ids of 1–128 characters from a safe alphabet, so a client cannot inject
    /// header or log content through it.
    static func sanitized(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let allowed = value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
        }
        return allowed ? value : nil
    }

    static func generate() -> String {
        RequestIDGenerator.next()
    }
}
