import AsyncHTTPClient
import Budgets
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import ServiceKit

/// Forwards a request to one upstream daemon and streams the answer back as it comes, with
/// the request id, a timeout, a circuit breaker and budgeted retries. Hop-by-hop headers, and
/// every header a client could use to claim an identity or an address, are not forwarded.
///
/// Everything the client can get wrong (a body over its budget, a body it stops sending) is
/// settled before the breaker is asked, and every call the breaker admits is finished on
/// every path (`defer`), so no error can leave a half-open trial out for good.
struct ReverseProxy: Sendable {
    let name: String
    let baseURL: String
    let timeout: Duration
    let breaker: CircuitBreaker
    /// The largest request body forwarded (`GATEWAY_MAX_BODY_BYTES`).
    let maxBody: Budget
    let retries: RetryBudget
    let metrics: GatewayMetrics.Upstream?

    init(name: String, baseURL: String, timeout: Duration, breaker: CircuitBreaker, maxBody: Budget,
         retries: RetryBudget = RetryBudget(), metrics: GatewayMetrics.Upstream? = nil) {
        self.name = name
        self.baseURL = baseURL
        self.timeout = timeout
        self.breaker = breaker
        self.maxBody = maxBody
        self.retries = retries
        self.metrics = metrics
    }

    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length",
    ]

    /// The caller's trace headers are not passed on as they are: the HTTP client writes the
    /// gateway's own (its span, a child of the caller's), and two `traceparent`s would make the
    /// upstream start a trace of its own.
    static let traceContext: Set<String> = ["traceparent", "tracestate"]

    /// Headers only the edge may write: identity (`X-User-*`, `X-Internal-*`) and where the
    /// request came from (`X-Forwarded-*`, `X-Real-IP`, `Forwarded`), which the gateway sets
    /// itself from what it verified.
    static func isEdgeOnly(_ canonicalName: String) -> Bool {
        canonicalName.hasPrefix("x-user-") || canonicalName.hasPrefix("x-internal-")
            || canonicalName.hasPrefix("x-forwarded-") || canonicalName == "x-real-ip" || canonicalName == "forwarded"
    }

    /// The terms this upstream gives a request that has no route of its own (tests).
    var defaultTerms: ForwardTerms {
        ForwardTerms(timeout: timeout, maxBody: maxBody, retryable: false, watchesCaller: false)
    }

    /// - Parameter path: the upstream path (with the query string appended here).
    func forward(_ request: Request, path: String, context: some IdentifiedRequestContext, terms: ForwardTerms? = nil)
        async throws -> Response
    {
        let terms = terms ?? defaultTerms
        let upstreamRequest = try await prepare(request, path: path, context: context, terms: terms)
        retries.recordCall()
        var attempt = 1
        while true {
            do {
                return try await attemptOnce(upstreamRequest, terms: terms, context: context)
            } catch let failure as RetryableFailure {
                guard terms.retryable, attempt < 2, retries.takeRetry() else {
                    if let answer = failure.error as? UpstreamAnswer { return answer.response }
                    throw failure.error
                }
                attempt += 1
                metrics?.retries.increment()
                // A little apart, so a restarting upstream has a moment to come back.
                try await Task.sleep(for: .milliseconds(Int.random(in: 20...80)))
            }
        }
    }

    /// A failure a second attempt might not see (the upstream was unreachable or shed load);
    /// `error` is what the caller gets when there is no second attempt.
    struct RetryableFailure: Error {
        let error: any Error
    }

    private func attemptOnce(_ upstreamRequest: HTTPClientRequest, terms: ForwardTerms,
                             context: some IdentifiedRequestContext) async throws -> Response {
        guard let admission = breaker.admit() else {
            throw APIError(.serviceUnavailable, "\(name) is unavailable (circuit open); retry shortly",
                           headers: [.retryAfter: String(breaker.cooldown.components.seconds)])
        }
        var outcome = CircuitBreaker.Outcome.abandoned
        defer {
            breaker.finish(admission, outcome)
            metrics?.recordBreaker(breaker.isOpen)
        }
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        do {
            let timeout = terms.timeout.timeAmount
            if terms.watchesCaller {
                response = try await CallerDisconnect.cancelling(on: context.channel) {
                    try await ServiceHTTPClient.proxy.execute(upstreamRequest, timeout: timeout)
                }
            } else {
                response = try await ServiceHTTPClient.proxy.execute(upstreamRequest, timeout: timeout)
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            outcome = .failed
            throw APIError(.gatewayTimeout, "\(name) did not answer within \(terms.timeout)")
        } catch {
            // The client went away while we waited: not the upstream's fault.
            if Task.isCancelled || error is CallerDisconnect.Left { throw CancellationError() }
            outcome = .failed
            throw RetryableFailure(error: APIError.badGateway("\(name) is unreachable"))
        }
        metrics?.recordLatency(ContinuousClock.now - started)
        let status = Int(response.status.code)
        outcome = status >= 500 && status != 503 ? .failed : .answered
        if status == 503 && terms.retryable {
            // Shed load: another attempt, if the budget allows, may find room; else the 503 as it came.
            let body = try? await response.body.collect(upTo: 64 * 1024)
            throw RetryableFailure(error: UpstreamAnswer(response: Self.response(response, body: body)))
        }
        return Self.response(response, body: nil)
    }

    /// An upstream's own answer, handed on as it is when no retry replaces it.
    struct UpstreamAnswer: Error {
        let response: Response
    }

    /// The client's answer: the upstream's status and headers (hop-by-hop ones dropped),
    /// and its body streamed through as it arrives, or `body` when already read.
    static func response(_ upstream: HTTPClientResponse, body: ByteBuffer?) -> Response {
        var headers = HTTPFields()
        headers.reserveCapacity(upstream.headers.count)
        for header in upstream.headers where !hopByHop.contains(header.name.lowercased()) {
            if let name = HTTPField.Name(header.name) { headers.append(HTTPField(name: name, value: header.value)) }
        }
        let responseBody = body.map { ResponseBody(byteBuffer: $0) } ?? ResponseBody(asyncSequence: upstream.body)
        return Response(status: HTTPResponse.Status(code: Int(upstream.status.code)), headers: headers, body: responseBody)
    }

    /// The upstream request, body read in full (within the budget): a 413 or a client that
    /// stops sending fails here, before any upstream is involved.
    func prepare(_ request: Request, path: String, context: some IdentifiedRequestContext, terms: ForwardTerms)
        async throws -> HTTPClientRequest
    {
        let budget = terms.maxBody
        if let length = request.headers[.contentLength].flatMap(Int.init) {
            try budget.check(length, "the request body")
        }
        var url = baseURL + path
        if let query = request.uri.query, !query.isEmpty { url += "?" + query }
        var upstreamRequest = HTTPClientRequest(url: url)
        upstreamRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        upstreamRequest.headers.reserveCapacity(request.headers.count + terms.headers.count + 1)
        for field in request.headers {
            let canonical = field.name.canonicalName
            if Self.hopByHop.contains(canonical) || Self.traceContext.contains(canonical) || Self.isEdgeOnly(canonical) {
                continue
            }
            upstreamRequest.headers.add(name: field.name.rawName, value: field.value)
        }
        for field in terms.headers { upstreamRequest.headers.replaceOrAdd(name: field.name.rawName, value: field.value) }
        upstreamRequest.headers.replaceOrAdd(name: "X-Request-Id", value: context.requestID)
        if request.method != .get && request.method != .head {
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: budget.limit)
            } catch is NIOTooManyBytesError {
                throw budget.exceeded("the request body")
            }
            upstreamRequest.body = .bytes(body)
        }
        return upstreamRequest
    }
}
