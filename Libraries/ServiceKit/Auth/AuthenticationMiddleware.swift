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
/// <jwt>`) or, where an authenticator is given, an API key (`X-API-Key`).
///
/// A token in the URL (`?access_token=`) ends up in proxy and browser histories and logs, so
/// it is accepted only where a browser cannot send headers at all — realtime's WebSocket and
/// EventSource routes, which opt in with `acceptingTokenInQuery` — and refused (401)
/// everywhere else, even next to a valid header, so a client that leaks tokens finds out.
public struct AuthenticationMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    let tokens: AccessTokens
    let apiKeys: (any APIKeyAuthenticator)?
    let acceptsTokenInQuery: Bool

    public init(tokens: AccessTokens, apiKeys: (any APIKeyAuthenticator)? = nil, acceptingTokenInQuery: Bool = false) {
        self.tokens = tokens
        self.apiKeys = apiKeys
        self.acceptsTokenInQuery = acceptingTokenInQuery
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let identity = try await identify(request)
        context.identity = identity
        context.logger[metadataKey: "user_id"] = .string(identity.userID.uuidString.lowercased())
        return try await next(request, context)
    }

    /// The caller the request's credentials name, or a 401 saying what is wrong with them.
    public func identify(_ request: Request) async throws -> Identity {
        if !acceptsTokenInQuery, request.uri.queryParameters[Substring(Self.queryParameter)] != nil {
            throw APIError.unauthorized(
                "Access tokens in the URL are accepted only by /ws and /events; send Authorization: Bearer <token>")
        }
        if let key = request.headers[.apiKey], !key.isEmpty, let apiKeys {
            guard let owner = try await apiKeys.identity(forAPIKey: key) else {
                throw APIError.unauthorized("The API key is invalid or revoked")
            }
            return owner
        } else if let token = Self.token(in: request, acceptingQuery: acceptsTokenInQuery) {
            return try await tokens.verify(token)
        } else {
            let accepted = apiKeys == nil ? "Authorization: Bearer <token>" : "Authorization: Bearer <token> or X-API-Key"
            throw APIError.unauthorized("Missing credentials: send \(accepted)")
        }
    }

    /// The query parameter browsers put the token in on realtime's routes.
    public static var queryParameter: String { "access_token" }

    /// The access token a request carries: its `Authorization: Bearer` header, or with
    /// `acceptingQuery` (realtime's `/ws` and `/events` only) its `?access_token=`.
    public static func token(in request: Request, acceptingQuery: Bool = false) -> String? {
        if let header = request.headers[.authorization] {
            // By hand rather than with Foundation's trimming, which costs more than the
            // rest of a cached request on Linux.
            let parts = header.utf8.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: true)
            guard parts.count == 2, String(Substring(parts[0])).lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingASCIISpaces()
            return token.isEmpty ? nil : String(Substring(token))
        }
        if acceptingQuery, let token = request.uri.queryParameters[Substring(queryParameter)], !token.isEmpty {
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
