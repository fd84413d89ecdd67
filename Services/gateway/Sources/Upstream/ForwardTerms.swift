import Budgets
import HTTPTypes

/// The terms of one forwarded request, from its route.
struct ForwardTerms: Sendable {
    /// How long the upstream may take to start answering.
    var timeout: Duration
    /// The largest body forwarded.
    var maxBody: Budget
    /// Whether a failed attempt may be made again: the request is idempotent and short.
    var retryable: Bool
    /// Whether to cancel the upstream call as soon as the caller hangs up, before any answer
    /// (long waits: a model that takes a minute to start).
    var watchesCaller: Bool
    /// Headers the gateway sets on the upstream request (forwarding, identity), after the
    /// client's own of those names are gone.
    var headers: HTTPFields = [:]

    /// GET, HEAD, PUT and DELETE, and a POST or PATCH that names an `Idempotency-Key`.
    static func isIdempotent(_ method: HTTPRequest.Method, _ headers: HTTPFields) -> Bool {
        switch method {
        case .get, .head, .put, .delete, .options: true
        default: headers[.idempotencyKey] != nil
        }
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
    static let xForwardedHost = Self("X-Forwarded-Host")!
    static let xRealIP = Self("X-Real-IP")!
}
