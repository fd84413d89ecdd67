import Foundation
import Hummingbird
import PromptCards
import ServiceKit
import Storage

/// Prompt cards (`/api/v1/cards`).
struct CardsController: Sendable {
    let cards: any CardRepository

    struct CreateCard: Decodable {
        var title: String
        var description: String?
        var template: String
        var tags: [String]?
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards", use: create)
        routes.get("/cards", use: list)
        routes.get("/cards/{cardID}", use: get)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<Card> {
        let identity = try context.requireIdentity()
        let input = try await request.decodeJSON(as: CreateCard.self, context: context)
        let title = input.title.trimmingCharacters(in: .whitespacesAndNewlines)
        var problems: [ProblemDetails.FieldError] = []
        if !(1...200).contains(title.count) { problems.append(.init(field: "title", reason: "must be 1 to 200 characters")) }
        if (input.description?.count ?? 0) > 10_000 { problems.append(.init(field: "description", reason: "must be at most 10000 characters")) }
        if input.template.count > 100_000 { problems.append(.init(field: "template", reason: "must be at most 100000 characters")) }
        let tags = (input.tags ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.count > 20 { problems.append(.init(field: "tags", reason: "must have at most 20 tags")) }
        for (index, tag) in tags.enumerated() where !(1...50).contains(tag.count) {
            problems.append(.init(field: "tags[\(index)]", reason: "must be 1 to 50 characters"))
        }
        var variables: [String] = []
        if input.template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(.init(field: "template", reason: "must not be empty"))
        } else {
            do {
                variables = try PromptTemplate(input.template).variables
            } catch {
                problems.append(.init(field: "template", reason: String(describing: error)))
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let card = try await cards.create(ownerID: identity.userID, title: title, description: input.description ?? "",
                                          template: input.template, variables: variables, tags: tags)
        var response = EditedResponse(status: .created, response: card)
        response.headers[.location] = "/api/v1/cards/\(card.id.uuidString.lowercased())"
        return response
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> Card {
        let id = try context.uuid("cardID", resource: "Card")
        guard let card = try await cards.find(id: id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Card") }
        return card
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<Card> {
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await cards.list(ownerID: try context.ownerScope(), limit: limit, after: cursor))
    }
}
