import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceKit

/// Forwards a request to one upstream daemon and streams the answer back, with the
/// request id, a timeout and a circuit breaker. Hop-by-hop headers are not forwarded.
struct ReverseProxy: Sendable {
    let name: String
    let baseURL: String
    let timeout: Duration
    let breaker: CircuitBreaker

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
    ]

    /// - Parameter path: the upstream path (with the query string appended here).
    func forward(_ request: Request, path: String, context: some IdentifiedRequestContext) async throws -> Response {
        guard breaker.allow() else {
            throw APIError(.serviceUnavailable, "\(name) is unavailable (circuit open); retry shortly",
                           headers: [.retryAfter: String(breaker.cooldown.components.seconds)])
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > context.maxUploadSize {
            throw APIError(.contentTooLarge, "The request body is larger than \(context.maxUploadSize) bytes")
        }
        var url = baseURL + path
        if let query = request.uri.query, !query.isEmpty { url += "?" + query }
        var upstreamRequest = HTTPClientRequest(url: url)
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName) {
            upstreamRequest.headers.add(name: field.name.rawName, value: field.value)
        }
        upstreamRequest.headers.replaceOrAdd(name: "X-Request-Id", value: context.requestID)
        if request.method != .get && request.method != .head {
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            upstreamRequest.body = .bytes(body)
        }
        let response: HTTPClientResponse
        do {
            response = try await ServiceHTTPClient.shared.execute(upstreamRequest, timeout: timeout.timeAmount)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            breaker.recordFailure()
            throw APIError(.gatewayTimeout, "\(name) did not answer within \(timeout)")
        } catch {
            breaker.recordFailure()
            throw APIError.badGateway("\(name) is unreachable")
        }
        if response.status.code >= 500 && response.status.code != 503 { breaker.recordFailure() } else { breaker.recordSuccess() }
        var headers = HTTPFields()
        for header in response.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(asyncSequence: response.body))
    }
}
