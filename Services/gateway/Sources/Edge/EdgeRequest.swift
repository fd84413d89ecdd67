import Budgets
import Foundation
import HTTPTypes
import Hummingbird
import RateLimiting
import RedisClient
import ServiceKit

/// What the gateway does with every public request, in order: the path is checked (400 for
/// tricks), a browser's preflight answered, the route found (404 outside the table), the
/// caller verified (401 before any upstream is asked), the rate limits taken (429, one Redis
/// round trip), and the request forwarded with the headers the edge vouches for.
struct EdgeRequest: Sendable {
    let routes: RouteTable
    let upstreams: [String: ReverseProxy]
    let authentication: AuthenticationMiddleware<ServiceRequestContext>
    /// For `user+query` routes (realtime's event stream), which also take `?access_token=`.
    let queryAuthentication: AuthenticationMiddleware<ServiceRequestContext>
    let rateLimits: GatewayRateLimits?
    let limiter: RateLimiter?
    let keys: RedisKeys
    let forwardedFor: ForwardedFor
    let cors: CORSPolicy
    let upstreamTimeout: Duration
    let metrics: GatewayMetrics

    func handle(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let path: RequestPath
        do {
            path = try RequestPath(request.uri.path)
        } catch {
            metrics.recordAnswer(routeClass: "none", status: 400)
            throw APIError(.badRequest, "The request path was refused: \(error.description)")
        }
        if request.method == .options, let origin = request.headers[.origin],
           request.headers[.accessControlRequestMethod] != nil, routes.hasRoute(for: path) {
            return try cors.preflight(origin: origin)
        }
        guard let (route, upstreamPath) = routes.route(request.method, path), let upstream = upstreams[route.upstream] else {
            let refused = routes.hasRoute(for: path)
                ? APIError(.methodNotAllowed, "\(request.method) is not allowed on \(path.value)")
                : APIError(.notFound, "No route for \(path.value)")
            metrics.recordAnswer(routeClass: "none", status: refused.status.code)
            throw refused
        }
        do {
            let response = try await pass(request, route: route, upstreamPath: upstreamPath, upstream: upstream,
                                          context: context)
            metrics.recordAnswer(routeClass: route.rateClass, status: response.status.code)
            return response
        } catch let error as APIError {
            metrics.recordAnswer(routeClass: route.rateClass, status: error.status.code)
            throw error
        } catch let error as BudgetExceeded {
            // A body over its budget (413) is the client's answer too.
            metrics.recordAnswer(routeClass: route.rateClass, status: APIError(error).status.code)
            throw error
        }
    }

    private func pass(_ request: Request, route: GatewayRoute, upstreamPath: String, upstream: ReverseProxy,
                      context: ServiceRequestContext) async throws -> Response {
        var context = context
        let peer = context.channel?.remoteAddress?.ipAddress.flatMap { IPAddress($0) }
        let (client, chain) = forwardedFor.resolve(peer: peer, header: request.headers[.xForwardedFor])
        var apiKeySubject: String?
        switch route.access {
        case .none:
            break
        case .user, .userOrQuery:
            let identity: Identity
            do {
                identity = try await (route.access == .user ? authentication : queryAuthentication).identify(request)
            } catch let refused as APIError where refused.status == .unauthorized {
                // A failed attempt counts against the address, so guessing credentials is
                // bounded: past the class's `ip` rules it is a 429 instead.
                _ = try await takeRateLimits(route: route, client: client, identity: nil, apiKey: nil)
                throw refused
            }
            context.identity = identity
            context.logger[metadataKey: "user_id"] = .string(identity.userID.uuidString.lowercased())
            if let key = request.headers[.apiKey], !key.isEmpty { apiKeySubject = Self.subject(ofAPIKey: key) }
        }
        let limitHeaders = try await takeRateLimits(route: route, client: client, identity: context.identity,
                                                    apiKey: apiKeySubject)

        var terms = ForwardTerms(
            timeout: route.timeout ?? upstreamTimeout,
            maxBody: route.maxBody.map { upstream.maxBody.with(limit: min($0, upstream.maxBody.limit)) } ?? upstream.maxBody,
            retryable: route.kind == .api && ForwardTerms.isIdempotent(request.method, request.headers),
            watchesCaller: route.kind == .stream)
        if !chain.isEmpty { terms.headers[.xForwardedFor] = chain.map(\.description).joined(separator: ", ") }
        if let client { terms.headers[.xRealIP] = client.description }
        let peerTrusted = peer.map(forwardedFor.isTrusted) ?? false
        terms.headers[.xForwardedProto] = peerTrusted ? request.headers[.xForwardedProto] ?? "http" : "http"
        if let host = (peerTrusted ? request.headers[.xForwardedHost] : nil) ?? request.head.authority {
            terms.headers[.xForwardedHost] = host
        }
        var response = try await upstream.forward(request, path: upstreamPath, context: context, terms: terms)
        response.headers.append(contentsOf: limitHeaders)
        return response
    }

    /// Takes one unit from every rule of the route's class; the answer's `RateLimit` headers,
    /// or a 429 (every rule had to have room) or, failing closed, a 503.
    private func takeRateLimits(route: GatewayRoute, client: IPAddress?, identity: Identity?, apiKey: String?)
        async throws -> HTTPFields
    {
        guard let rateLimits, let limiter else { return [:] }
        var checks: [RateLimiter.Check] = []
        for rule in rateLimits.rules(for: route.rateClass) {
            let subject: String? = switch rule.subject {
            case .ip: client?.rateLimitSubject
            case .user: identity?.userID.uuidString.lowercased()
            case .key: apiKey
            }
            if let subject { checks.append(RateLimiter.Check(rate: rule.rate, key: keys.rateLimit(rule.rate.name, subject: subject))) }
        }
        switch await limiter.decide(checks) {
        case .decided(let verdict):
            var headers = HTTPFields()
            guard !verdict.states.isEmpty else { return headers }
            headers[.rateLimitPolicy] = RateLimitHeaders.policy(verdict.states.map(\.rate))
            headers[.rateLimit] = RateLimitHeaders.current(verdict.states)
            if verdict.admitted { return headers }
            headers[.retryAfter] = RateLimitHeaders.retryAfter(verdict)
            let exhausted = verdict.states.filter { $0.retryAfter > .zero }.map(\.rate)
            let rate = exhausted.first ?? verdict.states[0].rate
            throw APIError(.tooManyRequests,
                           "Rate limit \(rate.name) reached (\(rate.limit) per \(rate.period), burst \(rate.burst)); "
                               + "retry after \(headers[.retryAfter] ?? "1") s",
                           headers: headers,
                           limit: ProblemDetails.Limit(name: rate.name, max: rate.limit,
                                                       unit: "requests per \(rate.period.components.seconds) s"))
        case .undecided(admitted: true):
            return [:]
        case .undecided(admitted: false):
            throw APIError(.serviceUnavailable, "Rate limits cannot be checked right now and the gateway fails closed; retry shortly",
                           headers: [.retryAfter: "1"])
        }
    }

    /// An API key as a rate-limit subject: a digest, so key material never reaches Redis.
    static func subject(ofAPIKey key: String) -> String {
        String(CachedAPIKeyAuthenticator.digest(of: key).prefix(32))
    }
}

extension HTTPField.Name {
    static let rateLimitPolicy = Self("RateLimit-Policy")!
    static let rateLimit = Self("RateLimit")!
}
