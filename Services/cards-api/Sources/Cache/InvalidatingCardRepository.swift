import Foundation
import Storage

/// Card writes that also drop this instance's cached copies as soon as they commit, so a
/// client reads its own write on the same instance at once. Other instances hear of it
/// through `cards_changed` a moment later.
struct InvalidatingCardRepository: CardRepository {
    let base: any CardRepository
    let cache: CardCache

    func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String],
                defaultModels: [String], webhookURL: String?) async throws -> Card {
        let card = try await base.create(ownerID: ownerID, title: title, description: description, template: template,
                                         variables: variables, tags: tags, defaultModels: defaultModels, webhookURL: webhookURL)
        cache.apply(.card(id: card.id, ownerID: card.ownerID))
        return card
    }

    func update(id: UUID, ownerID: UUID?, expectedVersion: Int?, changes: CardChanges) async throws -> CardUpdate {
        let result = try await base.update(id: id, ownerID: ownerID, expectedVersion: expectedVersion, changes: changes)
        if case .updated(let card) = result { cache.apply(.card(id: card.id, ownerID: card.ownerID)) }
        return result
    }

    func delete(id: UUID, ownerID: UUID?) async throws -> UUID? {
        let owner = try await base.delete(id: id, ownerID: ownerID)
        if let owner { cache.apply(.card(id: id, ownerID: owner)) }
        return owner
    }

    func find(id: UUID, ownerID: UUID?) async throws -> Card? {
        try await base.find(id: id, ownerID: ownerID)
    }

    func list(ownerID: UUID?, query: String?, tag: String?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card> {
        try await base.list(ownerID: ownerID, query: query, tag: tag, limit: limit, after: cursor)
    }

    func versions(cardID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<CardVersion> {
        try await base.versions(cardID: cardID, limit: limit, after: cursor)
    }

    func version(cardID: UUID, number: Int) async throws -> CardVersion? {
        try await base.version(cardID: cardID, number: number)
    }
}
