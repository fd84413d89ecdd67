import Budgets
import Foundation
import Hummingbird
import PromptCards
import ServiceKit
import Storage

/// Prompt cards (`/api/v1/cards`) and their versions.
struct CardsController: Sendable {
    let cards: any CardRepository
    let reads: CardReads
    /// How deep ranked search results may be paged (they page by offset).
    let searchDepth: Budget

    struct CreateCard: Decodable {
        var title: String
        var description: String?
        var template: String
        var tags: [String]?
        var defaultModels: [String]?
        var webhookURL: String?
        enum CodingKeys: String, CodingKey {
            case title, description, template, tags
            case defaultModels = "default_models"
            case webhookURL = "webhook_url"
        }
    }

    struct UpdateCard: Decodable {
        var title: String?
        var description: String?
        var template: String?
        var tags: [String]?
        var defaultModels: [String]?
        /// `""` removes the card's webhook.
        var webhookURL: String?
        enum CodingKeys: String, CodingKey {
            case title, description, template, tags
            case defaultModels = "default_models"
            case webhookURL = "webhook_url"
        }
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards", use: create)
        routes.get("/cards", use: list)
        routes.get("/cards/{cardID}", use: get)
        routes.patch("/cards/{cardID}", use: update)
        routes.delete("/cards/{cardID}", use: delete)
        routes.get("/cards/{cardID}/versions", use: versions)
        routes.get("/cards/{cardID}/versions/{version}", use: version)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Card> {
        let identity = try context.requireIdentity()
        let input = try await request.decodeJSON(as: CreateCard.self, context: context)
        var problems: [ProblemDetails.FieldError] = []
        let title = CardValidation.title(input.title, into: &problems)
        CardValidation.description(input.description ?? "", into: &problems)
        let variables = CardValidation.template(input.template, into: &problems)
        let tags = CardValidation.tags(input.tags ?? [], into: &problems)
        let models = CardValidation.models(input.defaultModels ?? [], field: "default_models", into: &problems)
        CardValidation.webhookURL(input.webhookURL, into: &problems)
        guard problems.isEmpty, let variables else { throw APIError.validation(problems) }
        let card = try await cards.create(ownerID: identity.userID, title: title, description: input.description ?? "",
                                          template: input.template, variables: variables, tags: tags, defaultModels: models,
                                          webhookURL: input.webhookURL)
        return Self.response(card, status: .created, location: true)
    }

    /// Answers `If-None-Match` with 304 when the client's copy is current.
    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try context.uuid("cardID", resource: "Card")
        guard let card = try await reads.card(id: id, scope: try context.ownerScope()) else { throw APIError.notFound("Card") }
        if ETag.matches(request.headers[.ifNoneMatch], card.etag) {
            return Response(status: .notModified, headers: [.eTag: card.etag])
        }
        return .json(card.body, headers: [.eTag: card.etag])
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let (limit, cursor) = try request.pagination()
        let query = request.uri.queryParameters["q"].map(String.init)?.trimmingCharacters(in: .whitespaces)
        if let query, query.count > 200 { throw APIError.validation(field: "q", reason: "must be at most 200 characters") }
        if let query, !query.isEmpty {
            try searchDepth.check((cursor?.offset ?? 0) + limit, "the depth of these search results (offset + limit)",
                                  field: "cursor")
        }
        let key = CardCache.PageKey(scope: try context.ownerScope(), query: query?.isEmpty == false ? query : nil,
                                    tag: request.uri.queryParameters["tag"].map(String.init), limit: limit, cursor: cursor?.token)
        return .json(try await reads.page(key, cursor: cursor))
    }

    /// Partial update as a new version; `If-Match` (the ETag) guards against lost updates.
    @Sendable func update(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Card> {
        let id = try context.uuid("cardID", resource: "Card")
        let expected = try ETag.expectedVersion(in: request)
        let input = try await request.decodeJSON(as: UpdateCard.self, context: context)
        var problems: [ProblemDetails.FieldError] = []
        var changes = CardChanges()
        if let title = input.title { changes.title = CardValidation.title(title, into: &problems) }
        if let description = input.description {
            CardValidation.description(description, into: &problems)
            changes.description = description
        }
        if let template = input.template {
            changes.template = template
            changes.variables = CardValidation.template(template, into: &problems)
        }
        if let tags = input.tags { changes.tags = CardValidation.tags(tags, into: &problems) }
        if let models = input.defaultModels {
            changes.defaultModels = CardValidation.models(models, field: "default_models", into: &problems)
        }
        if let webhookURL = input.webhookURL {
            CardValidation.webhookURL(webhookURL, into: &problems)
            changes.webhookURL = webhookURL
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        guard changes != CardChanges() else {
            throw APIError.badRequest("Nothing to change: send title, description, template, tags, default_models or webhook_url")
        }
        switch try await cards.update(id: id, ownerID: try context.ownerScope(), expectedVersion: expected, changes: changes) {
        case .updated(let card):
            return Self.response(card, status: .ok)
        case .notFound:
            throw APIError.notFound("Card")
        case .versionMismatch(let current):
            throw APIError(.preconditionFailed,
                           "The card changed since you read it: it is at version \(current.version), not \(expected ?? 0)",
                           headers: [.eTag: ETag.of(version: current.version)])
        }
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let id = try context.uuid("cardID", resource: "Card")
        guard try await cards.delete(id: id, ownerID: try context.ownerScope()) != nil else { throw APIError.notFound("Card") }
        return Response(status: .noContent)
    }

    @Sendable func versions(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<CardVersion> {
        let card = try await cards.owned(by: context)
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await cards.versions(cardID: card.id, limit: limit, after: cursor))
    }

    @Sendable func version(_ request: Request, context: ServiceRequestContext) async throws -> CardVersion {
        let card = try await cards.owned(by: context)
        guard let number = context.parameters.get("version", as: Int.self),
              let version = try await cards.version(cardID: card.id, number: number)
        else { throw APIError.notFound("Card version") }
        return version
    }


    static func response(_ card: Card, status: HTTPResponse.Status, location: Bool = false) -> EditedResponse<Card> {
        var response = EditedResponse(status: status, response: card)
        response.headers[.eTag] = ETag.of(version: card.version)
        if location { response.headers[.location] = "/api/v1/cards/\(card.id.uuidString.lowercased())" }
        return response
    }
}

extension CardVersion: ResponseEncodable {}
