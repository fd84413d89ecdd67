import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds the `application/problem+json` response for a status and detail.
public enum ProblemResponse {
    public static func make(
        status: HTTPResponse.Status, detail: String?, fieldErrors: [ProblemDetails.FieldError] = [],
        instance: String?, requestID: String?, headers extra: HTTPFields = [:], limit: ProblemDetails.Limit? = nil
    ) -> Response {
        let problem = ProblemDetails(
            type: limit == nil ? "about:blank" : ProblemDetails.limitExceededType,
            title: limit == nil ? (status.reasonPhrase.isEmpty ? "Error" : status.reasonPhrase) : "Limit exceeded",
            status: status.code, detail: detail, instance: instance, requestID: requestID,
            errors: fieldErrors.isEmpty ? nil : fieldErrors, limit: limit)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(problem)) ?? Data("{\"title\":\"Error\",\"status\":\(status.code)}".utf8)
        var headers = extra
        headers[.contentType] = ProblemDetails.mediaType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
