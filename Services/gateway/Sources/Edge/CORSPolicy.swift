import HTTPTypes
import Hummingbird
import ServiceKit

/// Which browser origins may call the API (`CORS_ALLOWED_ORIGINS`: a comma list of origins,
/// `*` for any, empty for none). Preflights are answered here, at the edge, without
/// credentials and without bothering an upstream; answers to allowed origins carry the
/// headers a browser needs to read them. The API takes bearer tokens and API keys, not
/// cookies, so credentials mode is never allowed.
struct CORSPolicy: Sendable {
    let allowsAny: Bool
    let origins: Set<String>

    init(allowed: String) {
        let entries = allowed.split(separator: ",").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty }
        allowsAny = entries.contains("*")
        origins = Set(entries.map { $0.lowercased() })
    }

    var isEnabled: Bool { allowsAny || !origins.isEmpty }

    func allows(_ origin: String) -> Bool {
        allowsAny || origins.contains(origin.lowercased())
    }

    static let allowedMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
    static let allowedHeaders =
        "Authorization, Content-Type, Accept, X-API-Key, Idempotency-Key, If-None-Match, If-Match, Last-Event-ID, X-Request-Id, traceparent, tracestate"
    /// What a script may read of an answer besides the CORS-safelisted headers.
    static let exposedHeaders = "RateLimit, RateLimit-Policy, Retry-After, X-Request-Id, Location, ETag, Content-Disposition"

    /// A preflight's answer: 204 with what may be sent, or 403 for an origin not allowed.
    func preflight(origin: String) throws -> Response {
        guard allows(origin) else {
            throw APIError.forbidden("The origin \(origin) may not call this API (CORS_ALLOWED_ORIGINS)")
        }
        var headers = HTTPFields()
        headers[.accessControlAllowMethods] = Self.allowedMethods
        headers[.accessControlAllowHeaders] = Self.allowedHeaders
        headers[.accessControlMaxAge] = "600"
        headers.append(HTTPField(name: .vary, value: "Access-Control-Request-Method, Access-Control-Request-Headers"))
        return Response(status: .noContent, headers: headers)
    }

    /// Adds what a browser needs to read an answer to an allowed `origin`.
    func decorate(_ headers: inout HTTPFields, origin: String?) {
        guard isEnabled else { return }
        headers.append(HTTPField(name: .vary, value: "Origin"))
        guard let origin, allows(origin) else { return }
        headers[.accessControlAllowOrigin] = allowsAny ? "*" : origin
        headers[.accessControlExposeHeaders] = Self.exposedHeaders
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
