import Budgets
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Maps every error a handler throws to `application/problem+json`, so no route builds
/// error JSON by hand and no failure leaks as an empty 500. Unknown errors are logged with
/// the request id and answered with a generic 500 that reveals nothing internal.
public struct ProblemMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return Self.response(for: error, request: request, context: context)
        }
    }

    static func response(for error: any Error, request: Request, context: Context) -> Response {
        let instance = request.uri.path
        switch error {
        case let error as APIError:
            return ProblemResponse.make(status: error.status, detail: error.detail, fieldErrors: error.fieldErrors,
                                        instance: instance, requestID: context.requestID, headers: error.headers,
                                        limit: error.limit)
        case let error as BudgetExceeded:
            return response(for: APIError(error), request: request, context: context)
        case is CallerDisconnect.Left:
            // Nobody reads it; 499 (nginx's "client closed request") keeps it out of the 5xx count.
            return ProblemResponse.make(status: .init(code: 499, reasonPhrase: "Client Closed Request"),
                                        detail: "The caller closed its connection", instance: instance,
                                        requestID: context.requestID)
        case let error as HTTPError:
            var detail = error.body
            if error.status == .notFound, detail == nil { detail = "No route for \(request.method) \(instance)" }
            if error.status == .contentTooLarge { detail = detail ?? "The request body is larger than \(context.maxUploadSize) bytes" }
            return ProblemResponse.make(status: error.status, detail: detail, instance: instance,
                                        requestID: context.requestID, headers: error.headers)
        case let error as any HTTPResponseError:
            return ProblemResponse.make(status: error.status, detail: nil, instance: instance, requestID: context.requestID)
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return ProblemResponse.make(status: .internalServerError, detail: "An unexpected error occurred",
                                        instance: instance, requestID: context.requestID)
        }
    }
}
