import Foundation
import HTTPTypes
import Hummingbird

/// Resolves an API key (`X-API-Key`) to its owner. cards-api looks keys up in Postgres;
/// the gateway asks cards-api and caches the answer briefly.
public protocol APIKeyAuthenticator: Sendable {
    /// The key's owner, or nil when the key is unknown or revoked.
    func identity(forAPIKey key: String) async throws -> Identity?
}

/// Requires credentials and records the caller: an access token (`Authorization: Bearer
/// <jwt>`, or `?access_token=` for browsers that cannot set headers on WebSocket and
/// EventSource) or, where an authenticator is given, an API key (`X-API-Key`).
public struct AuthenticationMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    let tokens: AccessTokens
    let apiKeys: (any APIKeyAuthenticator)?

    public init(tokens: AccessTokens, apiKeys: (any APIKeyAuthenticator)? = nil) {
        self.tokens = tokens
        self.apiKeys = apiKeys
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity: Identity
        if let key = request.headers[.apiKey], !key.isEmpty, let apiKeys {
            guard let owner = try await apiKeys.identity(forAPIKey: key) else {
                throw APIError.unauthorized("The API key is invalid or revoked")
            }
            identity = owner
        } else if let token = Self.token(in: request) {
            identity = try await tokens.verify(token)
        } else {
            let accepted = apiKeys == nil ? "Authorization: Bearer <token>" : "Authorization: Bearer <token> or X-API-Key"
            throw APIError.unauthorized("Missing credentials: send \(accepted)")
        }
        context.identity = identity
        context.logger[metadataKey: "user_id"] = .string(identity.userID.uuidString.lowercased())
        return try await next(request, context)
    }

    /// The access token a request carries (header or query), if any.
    public static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            // By hand rather than with Foundation's trimming, which costs more than the
            // rest of a cached request on Linux.
            let parts = header.utf8.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, String(Substring(parts[0])).lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingASCIISpaces()
            return token.isEmpty ? nil : String(Substring(token))
        }
        if let token = request.uri.queryParameters["access_token"], !token.isEmpty {
            return String(token)
        }
        return nil
    }
}

extension Substring.UTF8View {
    /// Without leading and trailing spaces and tabs.
    func trimmingASCIISpaces() -> Substring.UTF8View {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
