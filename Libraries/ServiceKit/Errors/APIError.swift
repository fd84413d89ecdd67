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

    public init(_ status: HTTPResponse.Status, _ detail: String,
                fieldErrors: [ProblemDetails.FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.detail = detail
        self.fieldErrors = fieldErrors
        self.headers = headers
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
}
