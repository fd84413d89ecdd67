import Foundation
import Hummingbird
import NIOCore
import ServiceKit
import Storage

/// The two hot reads, `GET /cards/{id}` and the card list, answered from `CardCache` when
/// it can and from Postgres otherwise (filling the cache). Both hand back encoded JSON,
/// so a hit does no encoding at all.
struct CardReads: Sendable {
    let cards: any CardRepository
    let cache: CardCache

    /// The card if `scope` may see it (nil: an admin, who sees every card).
    func card(id: UUID, scope: UUID?) async throws -> CardCache.CardEntry? {
        if let entry = cache.card(id) {
            return scope == nil || entry.ownerID == scope ? entry : nil
        }
        let ticket = cache.ticket()
        guard let card = try await cards.find(id: id, ownerID: scope) else { return nil }
        let entry = CardCache.CardEntry(ownerID: card.ownerID, etag: ETag.of(version: card.version), body: try Self.encode(card))
        if let ticket { cache.store(entry, id: id, ticket: ticket) }
        return entry
    }

    /// One page of the list as `{"data": [...], "next_cursor": ...}`.
    func page(_ key: CardCache.PageKey, cursor: PageCursor?) async throws -> ByteBuffer {
        if let body = cache.page(key) { return body }
        let ticket = cache.ticket()
        let page = try await cards.list(ownerID: key.scope, query: key.query, tag: key.tag, limit: key.limit, after: cursor)
        let body = try Self.encode(ListResponse(page: page))
        if let ticket { cache.store(body, page: key, ticket: ticket) }
        return body
    }

    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(data: try APIJSON.encoder().encode(value))
    }
}
