import Budgets
import Foundation
import HTTPTypes
import Hummingbird

/// A domain error that knows its HTTP status. Handlers throw these; `ProblemMiddleware`
/// turns them (and every other error) into `application/problem+json`.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var detail: String
    public var fieldErrors: [ProblemDetails.FieldError]
    public var headers: HTTPFields
    /// Set when the error is a budget gone over (see `APIError(_: BudgetExceeded)`).
    public var limit: ProblemDetails.Limit?

    public init(_ status: HTTPResponse.Status, _ detail: String,
                fieldErrors: [ProblemDetails.FieldError] = [], headers: HTTPFields = [:],
                limit: ProblemDetails.Limit? = nil) {
        self.status = status
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
        self.limit = limit
    }

    public var description: String { "\(status.code) \(detail)" }

    public static func badRequest(_ detail: String) -> APIError { APIError(.badRequest, detail) }

    /// A 400 with one entry per invalid field.
    public static func validation(_ errors: [ProblemDetails.FieldError]) -> APIError {
        let summary = errors.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
        return APIError(.badRequest, "The request is invalid: \(summary)", fieldErrors: errors)
    }

    public static func validation(field: String, reason: String) -> APIError {
        validation([ProblemDetails.FieldError(field: field, reason: reason)])
    }

    public static func unauthorized(_ detail: String) -> APIError {
        APIError(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer"])
    }

    public static func forbidden(_ detail: String) -> APIError { APIError(.forbidden, detail) }

    public static func notFound(_ what: String) -> APIError { APIError(.notFound, "\(what) was not found") }

    public static func conflict(_ detail: String) -> APIError { APIError(.conflict, detail) }

    public static func unavailable(_ detail: String) -> APIError { APIError(.serviceUnavailable, detail) }

    public static func badGateway(_ detail: String) -> APIError { APIError(.badGateway, detail) }

    /// The 4xx for going over a budget: 413 for a size, 400 for a count or nesting, 422 for
    /// work or time, 429 for a quota; the problem names the limit (`limit`) and, when the excess
    /// is in one field, lists it under `errors`.
    public init(_ exceeded: BudgetExceeded, headers: HTTPFields = [:]) {
        // Keep in step with `Budget.Kind.status`, which docs/LIMITS.md shows.
        let status: HTTPResponse.Status = switch exceeded.budget.kind {
        case .size: .contentTooLarge
        case .count, .nesting: .badRequest
        case .work, .time: .unprocessableContent
        case .quota: .tooManyRequests
        }
        let budget = exceeded.budget
        self.init(status, exceeded.reason,
                  fieldErrors: exceeded.field.map { [ProblemDetails.FieldError(field: $0, reason: exceeded.reason)] } ?? [],
                  headers: headers, limit: ProblemDetails.Limit(name: budget.name, max: budget.limit, unit: budget.unit))
    }
}
