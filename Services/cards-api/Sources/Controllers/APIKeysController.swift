import Foundation
import Hummingbird
import ServiceKit
import Storage

/// API keys for machines (`/api/v1/keys`): the key is shown once, at creation.
struct APIKeysController: Sendable {
    let keys: any APIKeyRepository

    struct CreateKey: Decodable {
        var name: String
    }

    struct CreatedKey: ResponseEncodable {
        var key: APIKey
        var secret: String

        enum CodingKeys: String, CodingKey { case id, name, prefix, key, createdAt = "created_at" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(key.id.uuidString.lowercased(), forKey: .id)
            try container.encode(key.name, forKey: .name)
            try container.encode(key.prefix, forKey: .prefix)
            try container.encode(secret, forKey: .key)
            try container.encode(key.createdAt, forKey: .createdAt)
        }
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/keys", use: create)
        routes.get("/keys", use: list)
        routes.delete("/keys/{keyID}", use: revoke)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<CreatedKey> {
        let identity = try context.requireIdentity()
        let input = try await request.decodeJSON(as: CreateKey.self, context: context)
        let name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else { throw APIError.validation(field: "name", reason: "must be 1 to 100 characters") }
        let secret = APIKeys.generate()
        let key = try await keys.create(userID: identity.userID, name: name, prefix: APIKeys.prefix(of: secret),
                                        keyHash: APIKeys.hash(secret))
        return EditedResponse(status: .created, response: CreatedKey(key: key, secret: secret))
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<APIKey> {
        let identity = try context.requireIdentity()
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await keys.list(userID: identity.userID, limit: limit, after: cursor))
    }

    @Sendable func revoke(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try context.uuid("keyID", resource: "API key")
        guard try await keys.revoke(id: id, userID: try context.ownerScope()) else { throw APIError.notFound("API key") }
        return Response(status: .noContent)
    }
}

extension APIKey: ResponseEncodable {}
