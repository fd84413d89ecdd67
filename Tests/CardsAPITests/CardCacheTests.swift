@testable import CardsAPIService
import Foundation
import NIOCore
import Storage
import Testing

/// The cache's bookkeeping on its own: what a change drops, which fills it refuses, and
/// that it trusts nothing while the change feed is down.
@Suite struct CardCacheTests {
    let owner = UUID()
    let other = UUID()

    func cache(bytes: Int = 1 << 20, ttl: Duration = .seconds(60)) -> CardCache {
        let cache = CardCache(limits: CardCacheLimits(bytes: bytes, timeToLive: ttl))
        cache.setListening(true)
        return cache
    }

    func entry(_ owner: UUID, _ text: String = "{}") -> CardCache.CardEntry {
        CardCache.CardEntry(ownerID: owner, etag: "\"1\"", body: ByteBuffer(string: text))
    }

    func page(_ scope: UUID?, cursor: String? = nil) -> CardCache.PageKey {
        CardCache.PageKey(scope: scope, query: nil, tag: nil, limit: 20, cursor: cursor)
    }

    @Test func storesAndServesUntilAChangeTouchesTheEntry() throws {
        let cache = cache()
        let id = UUID(), unrelated = UUID()
        cache.store(entry(owner, "v1"), id: id, ticket: try #require(cache.ticket()))
        #expect(cache.card(id)?.body == ByteBuffer(string: "v1"))
        cache.apply(.card(id: unrelated, ownerID: owner))
        #expect(cache.card(id) != nil, "another card's change leaves it alone")
        cache.apply(.card(id: id, ownerID: owner))
        #expect(cache.card(id) == nil)
    }

    @Test func aReadThatRacedAChangeIsNotStored() throws {
        let cache = cache()
        let id = UUID()
        let ticket = try #require(cache.ticket())         // the read starts…
        cache.apply(.card(id: id, ownerID: owner))          // …a write commits meanwhile…
        cache.store(entry(owner, "old"), id: id, ticket: ticket)  // …and the read's old row arrives
        #expect(cache.card(id) == nil)

        let other = UUID()
        let unrelatedTicket = try #require(cache.ticket())
        cache.apply(.card(id: UUID(), ownerID: owner))
        cache.store(entry(owner), id: other, ticket: unrelatedTicket)
        #expect(cache.card(other) != nil, "a change to a different card does not block the fill")
    }

    @Test func aTicketOlderThanTheRingOfRecentChangesCannotStore() throws {
        let cache = cache()
        let id = UUID()
        let ticket = try #require(cache.ticket())
        for _ in 0..<1024 { cache.apply(.card(id: UUID(), ownerID: other)) }
        cache.store(entry(owner), id: id, ticket: ticket)
        #expect(cache.card(id) == nil, "1024 unrelated changes later, the ticket can no longer be checked")
    }

    @Test func pagesGoWithAnyChangeOfTheirOwnerAndAdminPagesWithAnyChange() throws {
        let cache = cache()
        for key in [page(owner), page(owner, cursor: "next"), page(other), page(nil)] {
            cache.store(ByteBuffer(string: "page"), page: key, ticket: try #require(cache.ticket()))
        }
        cache.apply(.card(id: UUID(), ownerID: owner))
        #expect(cache.page(page(owner)) == nil && cache.page(page(owner, cursor: "next")) == nil)
        #expect(cache.page(page(nil)) == nil, "an admin's page lists every owner's cards")
        #expect(cache.page(page(other)) != nil, "another owner's pages stay")

        let ticket = try #require(cache.ticket())
        cache.apply(.card(id: UUID(), ownerID: other))
        cache.store(ByteBuffer(string: "stale"), page: page(nil), ticket: ticket)
        #expect(cache.page(page(nil)) == nil, "an admin page read across any change is not stored")
    }

    @Test func nothingIsTrustedWhileTheFeedIsDownAndItComesBackEmpty() throws {
        let cache = cache()
        let id = UUID()
        cache.store(entry(owner), id: id, ticket: try #require(cache.ticket()))
        let ticket = try #require(cache.ticket())
        cache.setListening(false)
        #expect(cache.card(id) == nil)
        #expect(cache.ticket() == nil, "no fills while changes go unheard")
        cache.setListening(true)
        #expect(cache.card(id) == nil, "what was cached before the outage is gone")
        cache.store(entry(owner), id: id, ticket: ticket)
        #expect(cache.card(id) == nil, "a read begun before the outage cannot store after it")
    }

    @Test func aTruncateDropsEverything() throws {
        let cache = cache()
        let id = UUID()
        cache.store(entry(owner), id: id, ticket: try #require(cache.ticket()))
        cache.store(ByteBuffer(string: "page"), page: page(other), ticket: try #require(cache.ticket()))
        cache.apply(.all)
        #expect(cache.card(id) == nil && cache.page(page(other)) == nil)
    }

    @Test func entriesExpireAndTheSizeIsBounded() async throws {
        let short = cache(ttl: .milliseconds(50))
        let id = UUID()
        short.store(entry(owner), id: id, ticket: try #require(short.ticket()))
        #expect(short.card(id) != nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(short.card(id) == nil)

        // 64 KiB: entries of 800 bytes (+200 of bookkeeping) fit 65 at a time; none over 1 KiB fits.
        let small = cache(bytes: 64 << 10)
        let body = ByteBuffer(repeating: UInt8(ascii: "x"), count: 800)
        let ids = (0..<100).map { _ in UUID() }
        for id in ids {
            small.store(CardCache.CardEntry(ownerID: owner, etag: "\"1\"", body: body), id: id, ticket: try #require(small.ticket()))
        }
        #expect(small.size <= 64 << 10)
        #expect(ids.filter { small.card($0) != nil }.count == (64 << 10) / 1000)
        for index in 0..<40 {
            small.store(body, page: page(index % 2 == 0 ? owner : other, cursor: "\(index)"), ticket: try #require(small.ticket()))
        }
        #expect(small.size <= 64 << 10)
        #expect((0..<40).contains { small.page(page($0 % 2 == 0 ? owner : other, cursor: "\($0)")) != nil })

        let huge = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 << 10)
        let big = UUID()
        small.store(CardCache.CardEntry(ownerID: owner, etag: "\"1\"", body: huge), id: big, ticket: try #require(small.ticket()))
        #expect(small.card(big) == nil, "an entry over 1/64 of the budget is not kept")
    }

    @Test func turnedOffItStoresNothing() {
        let off = CardCache(limits: CardCacheLimits(bytes: 0, timeToLive: .seconds(60)))
        off.setListening(true)
        #expect(!off.isEnabled && off.ticket() == nil)
    }

    @Test func notificationsParseOrAreRefused() {
        let id = UUID(), owner = UUID()
        #expect(CardChangeNotification(payload: "\(id.uuidString.lowercased()) \(owner.uuidString.lowercased())")
            == .card(id: id, ownerID: owner))
        #expect(CardChangeNotification(payload: "*") == .all)
        for bad in ["", "x y", "\(id)", "\(id) \(owner) extra", "* *"] {
            #expect(CardChangeNotification(payload: bad) == nil, "\(bad)")
        }
    }
}
