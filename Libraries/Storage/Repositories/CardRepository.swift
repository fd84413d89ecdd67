import Foundation
import Logging
import PostgresNIO

/// Prompt cards, each visible to its owner only (admins see all).
public protocol CardRepository: Sendable {
    func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String]) async throws -> Card
    /// The card when `ownerID` owns it (or `ownerID` is nil, for admins), else nil.
    func find(id: UUID, ownerID: UUID?) async throws -> Card?
    func list(ownerID: UUID?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card>
}

public struct PostgresCardRepository: CardRepository {
    let client: PostgresClient
    let logger: Logger

    static let columns = "id, owner_id, title, description, template, variables, tags, version, created_at, updated_at, (extract(epoch from created_at) * 1000000)::bigint"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String]) async throws -> Card {
        let rows = try await client.query("""
            INSERT INTO cards (id, owner_id, title, description, template, variables, tags)
            VALUES (\(UUID()), \(ownerID), \(title), \(description), \(template), \(variables), \(tags))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let card = try await Self.decode(rows).first?.card else { throw StorageError.unexpected("INSERT … RETURNING gave no row") }
        return card
    }

    public func find(id: UUID, ownerID: UUID?) async throws -> Card? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM cards WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
            """, logger: logger)
        return try await Self.decode(rows).first?.card
    }

    public func list(ownerID: UUID?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM cards
            WHERE (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) < (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        let decoded = try await Self.decode(rows)
        let page = Array(decoded.prefix(limit))
        let next = decoded.count > limit ? page.last.map { PageCursor(createdAtMicros: $0.micros, id: $0.card.id) } : nil
        return Page(items: page.map(\.card), nextCursor: next)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [(card: Card, micros: Int64)] {
        var cards: [(card: Card, micros: Int64)] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let card = Card(
                id: try r[0].decode(UUID.self), ownerID: try r[1].decode(UUID.self), title: try r[2].decode(String.self),
                description: try r[3].decode(String.self), template: try r[4].decode(String.self),
                variables: try r[5].decode([String].self), tags: try r[6].decode([String].self),
                version: try r[7].decode(Int.self), createdAt: try r[8].decode(Date.self), updatedAt: try r[9].decode(Date.self))
            cards.append((card, try r[10].decode(Int64.self)))
        }
        return cards
    }
}
