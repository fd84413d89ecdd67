import HTTPTypes
import Hummingbird
import ServiceKit

/// The outermost layer of the gateway: every answer — proxied, refused at the edge, an error,
/// a health probe — leaves with the security headers and, for browsers, the CORS ones.
/// An upstream's own `Content-Security-Policy` (a page it serves) is kept.
struct EdgeResponder<Inner: HTTPResponder>: HTTPResponder {
    let inner: Inner
    let cors: CORSPolicy

    static var securityHeaders: [(HTTPField.Name, String)] {
        [
            (.xContentTypeOptions, "nosniff"),
            (.xFrameOptions, "DENY"),
            (.referrerPolicy, "no-referrer"),
            (.crossOriginOpenerPolicy, "same-origin"),
        ]
    }

    static var contentSecurityPolicy: String { "default-src 'none'; frame-ancestors 'none'" }

    func respond(to request: Request, context: Inner.Context) async throws -> Response {
        var response = try await inner.respond(to: request, context: context)
        for (name, value) in Self.securityHeaders where response.headers[name] == nil {
            response.headers[name] = value
        }
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        cors.decorate(&response.headers, origin: request.headers[.origin])
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
