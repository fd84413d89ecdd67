import Foundation
import Logging
import PostgresNIO

/// Prompt cards, each visible to its owner only (an `ownerID` of nil means an admin: all).
/// Every change creates an immutable version.
public protocol CardRepository: Sendable {
    func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String],
                defaultModels: [String], webhookURL: String?) async throws -> Card
    func find(id: UUID, ownerID: UUID?) async throws -> Card?
    /// Newest first; with `query`, ranked full-text matches instead; `tag` filters.
    func list(ownerID: UUID?, query: String?, tag: String?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card>
    /// Applies `changes` if the card is at `expectedVersion` (when given), as a new version.
    func update(id: UUID, ownerID: UUID?, expectedVersion: Int?, changes: CardChanges) async throws -> CardUpdate
    /// The deleted card's owner; nil when there was no such card to delete.
    func delete(id: UUID, ownerID: UUID?) async throws -> UUID?
    /// The card's versions, newest first, `limit` at a time (the cursor holds the last version seen).
    func versions(cardID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<CardVersion>
    func version(cardID: UUID, number: Int) async throws -> CardVersion?
}

extension CardRepository {
    public func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String]) async throws -> Card {
        try await create(ownerID: ownerID, title: title, description: description, template: template, variables: variables,
                         tags: tags, defaultModels: [], webhookURL: nil)
    }

    public func list(ownerID: UUID?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card> {
        try await list(ownerID: ownerID, query: nil, tag: nil, limit: limit, after: cursor)
    }
}

public struct PostgresCardRepository: CardRepository {
    let client: PostgresClient
    let logger: Logger

    static let columns = "id, owner_id, title, description, template, variables, tags, version, created_at, updated_at, (extract(epoch from created_at) * 1000000)::bigint, default_models, webhook_url"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(ownerID: UUID, title: String, description: String, template: String, variables: [String], tags: [String],
                       defaultModels: [String], webhookURL: String?) async throws -> Card {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                INSERT INTO cards (id, owner_id, title, description, template, variables, tags, default_models, webhook_url)
                VALUES (\(UUID()), \(ownerID), \(title), \(description), \(template), \(variables), \(tags), \(defaultModels),
                        \(webhookURL))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            guard let card = try await Self.decode(rows).first?.card else {
                throw StorageError.unexpected("INSERT … RETURNING gave no row")
            }
            try await Self.recordVersion(of: card, by: ownerID, on: connection, logger: logger)
            return card
        }
    }

    public func find(id: UUID, ownerID: UUID?) async throws -> Card? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM cards WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
            """, logger: logger)
        return try await Self.decode(rows).first?.card
    }

    public func list(ownerID: UUID?, query: String?, tag: String?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card> {
        if let query, !query.isEmpty {
            return try await search(ownerID: ownerID, query: query, tag: tag, limit: limit, after: cursor)
        }
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM cards
            WHERE (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
              AND (\(tag)::text IS NULL OR \(tag) = ANY (tags))
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) < (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at DESC, id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        return Page(window: try await Self.decode(rows), limit: limit) {
            PageCursor(createdAtMicros: $0.micros, id: $0.card.id)
        }.map(\.card)
    }

    /// Ranked matches (`websearch_to_tsquery`: quotes, `or`, `-word` work as users expect).
    /// Ranks are not a stable key, so the cursor here carries an offset.
    private func search(ownerID: UUID?, query: String, tag: String?, limit: Int, after cursor: PageCursor?) async throws -> Page<Card> {
        let offset = Int(cursor?.createdAtMicros ?? 0)
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM cards
            WHERE (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
              AND (\(tag)::text IS NULL OR \(tag) = ANY (tags))
              AND search @@ websearch_to_tsquery('english', \(query))
            ORDER BY ts_rank(search, websearch_to_tsquery('english', \(query))) DESC, created_at DESC, id DESC
            LIMIT \(limit + 1) OFFSET \(offset)
            """, logger: logger)
        let decoded = try await Self.decode(rows)
        let page = Array(decoded.prefix(limit))
        let next = decoded.count > limit ? PageCursor(createdAtMicros: Int64(offset + limit), id: PageCursor.offsetMarker) : nil
        return Page(items: page.map(\.card), nextCursor: next)
    }

    public func update(id: UUID, ownerID: UUID?, expectedVersion: Int?, changes: CardChanges) async throws -> CardUpdate {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            let rows = try await connection.query("""
                UPDATE cards SET
                    title = coalesce(\(changes.title), title),
                    description = coalesce(\(changes.description), description),
                    template = coalesce(\(changes.template), template),
                    variables = coalesce(\(changes.variables)::text[], variables),
                    tags = coalesce(\(changes.tags)::text[], tags),
                    default_models = coalesce(\(changes.defaultModels)::text[], default_models),
                    webhook_url = CASE WHEN \(changes.webhookURL)::text IS NULL THEN webhook_url
                                       ELSE nullif(\(changes.webhookURL)::text, '') END,
                    version = version + 1, updated_at = now()
                WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
                  AND (\(expectedVersion)::integer IS NULL OR version = \(expectedVersion))
                RETURNING \(unescaped: Self.columns)
                """, logger: logger)
            if let card = try await Self.decode(rows).first?.card {
                try await Self.recordVersion(of: card, by: ownerID, on: connection, logger: logger)
                return .updated(card)
            }
            let current = try await connection.query("""
                SELECT \(unescaped: Self.columns) FROM cards WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
                """, logger: logger)
            guard let card = try await Self.decode(current).first?.card else { return .notFound }
            return .versionMismatch(current: card)
        }
    }

    public func delete(id: UUID, ownerID: UUID?) async throws -> UUID? {
        let rows = try await client.query(
            "DELETE FROM cards WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID)) RETURNING owner_id",
            logger: logger)
        for try await owner in rows.decode(UUID.self) { return owner }
        return nil
    }

    public func versions(cardID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<CardVersion> {
        // Version numbers are the key: the cursor carries the last one as its offset.
        let before = cursor?.offset
        let rows = try await Self.decodeVersions(client.query("""
            SELECT card_id, version, title, description, template, variables, tags, created_at
            FROM card_versions WHERE card_id = \(cardID) AND (\(before)::bigint IS NULL OR version < \(before))
            ORDER BY version DESC LIMIT \(limit + 1)
            """, logger: logger))
        return Page(window: rows, limit: limit) {
            PageCursor(createdAtMicros: Int64($0.version), id: PageCursor.offsetMarker)
        }
    }

    public func version(cardID: UUID, number: Int) async throws -> CardVersion? {
        try await Self.decodeVersions(client.query("""
            SELECT card_id, version, title, description, template, variables, tags, created_at
            FROM card_versions WHERE card_id = \(cardID) AND version = \(number)
            """, logger: logger)).first
    }

    static func recordVersion(of card: Card, by author: UUID?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO card_versions (card_id, version, title, description, template, variables, tags, created_by, created_at)
            VALUES (\(card.id), \(card.version), \(card.title), \(card.description), \(card.template), \(card.variables),
                    \(card.tags), \(author), \(card.updatedAt))
            """, logger: logger)
    }

    static func decodeVersions(_ rows: PostgresRowSequence) async throws -> [CardVersion] {
        var versions: [CardVersion] = []
        for try await (card, version, title, description, template, variables, tags, created)
            in rows.decode((UUID, Int, String, String, String, [String], [String], Date).self) {
            versions.append(CardVersion(cardID: card, version: version, title: title, description: description,
                                        template: template, variables: variables, tags: tags, createdAt: created))
        }
        return versions
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [(card: Card, micros: Int64)] {
        var cards: [(card: Card, micros: Int64)] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            let card = Card(
                id: try r[0].decode(UUID.self), ownerID: try r[1].decode(UUID.self), title: try r[2].decode(String.self),
                description: try r[3].decode(String.self), template: try r[4].decode(String.self),
                variables: try r[5].decode([String].self), tags: try r[6].decode([String].self),
                version: try r[7].decode(Int.self), defaultModels: try r[11].decode([String].self),
                webhookURL: try r[12].decode(String?.self), createdAt: try r[8].decode(Date.self),
                updatedAt: try r[9].decode(Date.self))
            cards.append((card, try r[10].decode(Int64.self)))
        }
        return cards
    }
}
