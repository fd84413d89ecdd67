import AsyncHTTPClient
import Budgets
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceKit

/// Forwards a request to one upstream daemon and streams the answer back, with the
/// request id, a timeout and a circuit breaker. Hop-by-hop headers are not forwarded.
///
/// Everything the client can get wrong (a body over `maxBody`, a body it stops sending) is
/// settled before the breaker is asked, and every call the breaker admits is finished on
/// every path (`defer`), so no error can leave a half-open trial out for good.
struct ReverseProxy: Sendable {
    let name: String
    let baseURL: String
    let timeout: Duration
    let breaker: CircuitBreaker
    /// The largest request body forwarded (`GATEWAY_MAX_BODY_BYTES`).
    let maxBody: Budget

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
    ]

    /// The caller's trace headers are not passed on as they are: the HTTP client writes the
    /// gateway's own (its span, a child of the caller's), and two `traceparent`s would make the
    /// upstream start a trace of its own.
    static let traceContext: Set<String> = ["traceparent", "tracestate"]

    /// - Parameter path: the upstream path (with the query string appended here).
    func forward(_ request: Request, path: String, context: some IdentifiedRequestContext) async throws -> Response {
        let upstreamRequest = try await prepare(request, path: path, context: context)
        guard let admission = breaker.admit() else {
            throw APIError(.serviceUnavailable, "\(name) is unavailable (circuit open); retry shortly",
                           headers: [.retryAfter: String(breaker.cooldown.components.seconds)])
        }
        var outcome = CircuitBreaker.Outcome.abandoned
        defer { breaker.finish(admission, outcome) }
        let response: HTTPClientResponse
        do {
            response = try await ServiceHTTPClient.shared.execute(upstreamRequest, timeout: timeout.timeAmount)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            outcome = .failed
            throw APIError(.gatewayTimeout, "\(name) did not answer within \(timeout)")
        } catch {
            // The client went away while we waited: not the upstream's fault.
            if Task.isCancelled { throw CancellationError() }
            outcome = .failed
            throw APIError.badGateway("\(name) is unreachable")
        }
        outcome = response.status.code >= 500 && response.status.code != 503 ? .failed : .answered
        var headers = HTTPFields()
        for header in response.headers where !Self.hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        return Response(status: HTTPResponse.Status(code: Int(response.status.code)), headers: headers,
                        body: ResponseBody(asyncSequence: response.body))
    }

    /// The upstream request, body read in full (within `maxBody`): a 413 or a client that
    /// stops sending fails here, before any upstream is involved.
    func prepare(_ request: Request, path: String, context: some IdentifiedRequestContext) async throws
        -> HTTPClientRequest
    {
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            try maxBody.check(length, "the request body")
        }
        var url = baseURL + path
        if let query = request.uri.query, !query.isEmpty { url += "?" + query }
        var upstreamRequest = HTTPClientRequest(url: url)
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers where !Self.hopByHop.contains(field.name.canonicalName)
            && !Self.traceContext.contains(field.name.canonicalName) {
            upstreamRequest.headers.add(name: field.name.rawName, value: field.value)
        }
        upstreamRequest.headers.replaceOrAdd(name: "X-Request-Id", value: context.requestID)
        if request.method != .get && request.method != .head {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: maxBody.limit)
            } catch is NIOTooManyBytesError {
                throw maxBody.exceeded("the request body")
            }
            upstreamRequest.body = .bytes(body)
        }
        return upstreamRequest
    }
}
