import Foundation
import HTTPTypes
import Hummingbird

/// Requires a valid access token — `Authorization: Bearer <jwt>`, or `?access_token=` for
/// browsers that cannot set headers (WebSocket, EventSource) — and records the caller.
public struct BearerAuthMiddleware<Context: IdentifiedRequestContext>: RouterMiddleware {
    let tokens: AccessTokens

    public init(tokens: AccessTokens) {
        self.tokens = tokens
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.token(in: request) else {
            throw APIError.unauthorized("Missing credentials: send Authorization: Bearer <token>")
        }
        var context = context
        let identity = try await tokens.verify(token)
        context.identity = identity
        context.logger[metadataKey: "user_id"] = .string(identity.userID.uuidString.lowercased())
        return try await next(request, context)
    }

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            let token = parts[1].trimmingCharacters(in: .whitespaces)
            return token.isEmpty ? nil : token
        }
        if let token = request.uri.queryParameters["access_token"], !token.isEmpty {
            return String(token)
        }
        return nil
    }
}
