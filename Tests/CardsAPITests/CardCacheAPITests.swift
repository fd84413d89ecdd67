import Foundation
import HTTPTypes
import Logging
import PostgresNIO
import Testing

/// The read cache end to end on real Postgres: it serves what it cached, it hears every
/// committed change (from any instance or plain SQL), and it trusts nothing while its
/// LISTEN session is gone.
@Suite struct CardCacheAPITests {
    /// Polls `condition` until it holds or `timeout` passes; true when it held.
    func eventually(within timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await condition()
    }

    func title(_ api: CardsAPIHarness, _ token: String, _ card: String) async throws -> String? {
        try await api.send(.get, "/api/v1/cards/\(card)", token: token).object["title"] as? String
    }

    func feedIsListening(_ api: CardsAPIHarness) async throws -> Bool {
        let rows = try await api.database.query(
            "SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'cards-api card-change-feed' AND datname = current_database()")
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }

    /// A card read once, so it sits in the cache; a silent change proves it does.
    func cachedCard(_ api: CardsAPIHarness, _ token: String) async throws -> String {
        #expect(try await eventually { try await feedIsListening(api) }, "the feed connects")
        let card = try await api.card(token, title: "original")
        #expect(try await eventually {
            _ = try await title(api, token, card)
            try await silently(api, "UPDATE cards SET title = 'silent' WHERE id = '\(card)'")
            let seen = try await title(api, token, card)
            if seen == "original" {
                // Cached: put the row back without telling, so the cache stays right.
                try await silently(api, "UPDATE cards SET title = 'original' WHERE id = '\(card)'")
                return true
            }
            // Not cached yet (the feed was still connecting, or the fill raced the
            // notification of the card's creation): put it back out loud and retry.
            try await api.database.query("UPDATE cards SET title = 'original' WHERE id = \(UUID(uuidString: card)!)")
            return false
        }, "a cached card is served from memory")
        return card
    }

    /// SQL that changes cards without announcing it (the trigger off), which only a cache
    /// can hide.
    func silently(_ api: CardsAPIHarness, _ sql: String) async throws {
        let logger = Logger(label: "cache-test")
        try await api.database.withTransaction(logger: logger) { connection in
            try await connection.query("ALTER TABLE cards DISABLE TRIGGER cards_notify_change", logger: logger)
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.query("ALTER TABLE cards ENABLE TRIGGER cards_notify_change", logger: logger)
        }
    }

    @Test func aChangeMadeOutsideTheAPIReachesTheCache() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await cachedCard(api, token)
            _ = try await api.send(.get, "/api/v1/cards?limit=5", token: token)
            try await api.database.query("UPDATE cards SET title = 'fixed by hand', version = version + 1 WHERE id = \(UUID(uuidString: card)!)")
            #expect(try await eventually { try await title(api, token, card) == "fixed by hand" })
            #expect(try await eventually {
                try await api.send(.get, "/api/v1/cards?limit=5", token: token).items.first?["title"] as? String == "fixed by hand"
            }, "the list page was dropped too")
        }
    }

    @Test func anotherInstanceHearsAWriteAndTheWriterReadsItAtOnce() async throws {
        try await CardsAPIHarness.pair { writer, reader in
            let (token, _) = try await writer.account()
            let card = try await cachedCard(reader, token)
            _ = try await cachedCard(writer, token)
            _ = try await title(writer, token, card)
            #expect(try await reader.send(.get, "/api/v1/cards?limit=5", token: token).items.count == 2)

            let updated = try await writer.send(.patch, "/api/v1/cards/\(card)", token: token, json: ["title": "renamed"])
            #expect(updated.status == .ok)
            #expect(try await title(writer, token, card) == "renamed", "the writing instance reads its own write at once")
            #expect(try await eventually { try await title(reader, token, card) == "renamed" })

            _ = try await writer.card(token, title: "third")
            #expect(try await eventually {
                try await reader.send(.get, "/api/v1/cards?limit=5", token: token).items.count == 3
            }, "a new card shows in the other instance's cached list")

            #expect(try await writer.send(.delete, "/api/v1/cards/\(card)", token: token).status == .noContent)
            #expect(try await writer.send(.get, "/api/v1/cards/\(card)", token: token).status == .notFound)
            #expect(try await eventually { try await reader.send(.get, "/api/v1/cards/\(card)", token: token).status == .notFound })
        }
    }

    @Test func losingTheFeedDropsTheCacheUntilItIsBack() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await cachedCard(api, token)
            try await silently(api, "UPDATE cards SET title = 'changed while unheard' WHERE id = '\(card)'")
            #expect(try await title(api, token, card) == "original", "still cached")

            try await api.database.query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'cards-api card-change-feed' AND datname = current_database()")
            #expect(try await eventually { try await title(api, token, card) == "changed while unheard" },
                    "with the feed gone, reads go to Postgres")

            try await silently(api, "UPDATE cards SET title = 'original' WHERE id = '\(card)'")
            _ = try await cachedCard(api, token)  // it reconnects and caches again
        }
    }

    @Test func ownershipHoldsOnCachedReads() async throws {
        try await CardsAPIHarness.with(admin: "boss@example.com") { api in
            let (owner, _) = try await api.account()
            let (stranger, _) = try await api.account()
            let (admin, _) = try await api.login("boss@example.com")
            let card = try await cachedCard(api, owner)
            #expect(try await api.send(.get, "/api/v1/cards/\(card)", token: stranger).status == .notFound)
            #expect(try await api.send(.get, "/api/v1/cards?limit=5", token: stranger).items.isEmpty)
            #expect(try await title(api, admin, card) == "original")
            #expect(try await api.send(.get, "/api/v1/cards?limit=5", token: admin).items.count == 1)
        }
    }

    @Test func ifNoneMatchAnswers304WhileTheCardIsUnchanged() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let first = try await api.send(.get, "/api/v1/cards/\(card)", token: token)
            let etag = try #require(first.headers[.eTag])
            let again = try await api.send(.get, "/api/v1/cards/\(card)", token: token, headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified && again.body.isEmpty && again.headers[.eTag] == etag)
            let listed = try await api.send(.get, "/api/v1/cards/\(card)", token: token, headers: [.ifNoneMatch: "\"9\", W/\(etag)"])
            #expect(listed.status == .notModified, "a list of tags, weak ones too")
            _ = try await api.send(.patch, "/api/v1/cards/\(card)", token: token, json: ["title": "new"])
            let changed = try await api.send(.get, "/api/v1/cards/\(card)", token: token, headers: [.ifNoneMatch: etag])
            #expect(changed.status == .ok && changed.headers[.eTag] == "\"2\"")
        }
    }
}
