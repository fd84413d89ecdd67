import Foundation
import Hummingbird
import ServiceKit
import Storage

/// The caller's webhook signing secret (`/api/v1/webhooks/secret`): every delivery to the
/// caller's webhooks carries `X-PCS-Signature`, the HMAC-SHA256 of the delivery under it
/// (docs/QUEUE.md, "Webhooks"). Made on first read; rotating replaces it at once, so
/// deliveries signed after the rotation carry the new one.
struct WebhooksController: Sendable {
    let secrets: WebhookSecretRepository

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.get("/webhooks/secret", use: get)
        routes.post("/webhooks/secret/rotate", use: rotate)
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let secret = try await secrets.secret(of: identity.userID) else { throw APIError.notFound("User") }
        return try Self.response(secret)
    }

    @Sendable func rotate(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let secret = try await secrets.rotate(for: identity.userID) else { throw APIError.notFound("User") }
        context.logger.info("rotated a user's webhook secret", metadata: ["user_id": "\(identity.userID)"])
        return try Self.response(secret)
    }

    /// A secret is never kept by a cache on the way.
    private static func response(_ secret: String) throws -> Response {
        let body = try JSONEncoder().encode(["secret": secret])
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
