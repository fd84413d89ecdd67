import Foundation
import Metrics
import NIOCore
import Storage
import Synchronization

/// The encoded answers of `GET /cards/{id}` and of card-list pages, kept per instance so
/// that hot reads skip Postgres and JSON encoding.
///
/// It is trusted only while `CardChangeFeed` listens on `cards_changed`, where Postgres
/// announces every committed change to a card, whoever made it; without that feed every
/// lookup misses. A read that goes to Postgres takes a `Ticket` first, and its result is
/// stored only if no change touching it was announced since, so a read that raced a
/// write never caches the old row. Entries also expire after `timeToLive`, which bounds
/// the damage should a notification ever be lost without the feed noticing.
final class CardCache: Sendable {
    /// An encoded card, with what a request needs without decoding it.
    struct CardEntry: Sendable {
        let ownerID: UUID
        let etag: String
        let body: ByteBuffer
    }

    /// One list page as asked for; `scope` is the owner whose cards it lists, nil for an
    /// admin's view of everyone's.
    struct PageKey: Hashable, Sendable {
        var scope: UUID?
        var query: String?
        var tag: String?
        var limit: Int
        var cursor: String?
    }

    /// When a read from Postgres began, as a position in the stream of changes.
    struct Ticket: Sendable {
        fileprivate let sequence: UInt64
    }

    private struct Stored<Value: Sendable>: Sendable {
        let value: Value
        let bytes: Int
        let expires: ContinuousClock.Instant
    }

    private struct State {
        var listening = false
        /// How many changes were applied; a ticket remembers this number.
        var sequence: UInt64 = 0
        /// Tickets from before this were issued before a flush and can never store.
        var flushedAt: UInt64 = 0
        /// The last `recent.count` changes, change `s` at `s % recent.count`.
        var recent: [CardChangeNotification?]
        var cards: [UUID: Stored<CardEntry>] = [:]
        var pages: [UUID?: [PageKey: Stored<ByteBuffer>]] = [:]
        var cardBytes = 0
        var pageBytes = 0
    }

    let limits: CardCacheLimits
    /// Bigger answers are not kept: one would crowd out hundreds of ordinary ones.
    private let largestEntry: Int
    private let state: Mutex<State>
    private let cardHits = Counter(label: "cards_api_cache_lookups_total", dimensions: [("cache", "card"), ("result", "hit")])
    private let cardMisses = Counter(label: "cards_api_cache_lookups_total", dimensions: [("cache", "card"), ("result", "miss")])
    private let pageHits = Counter(label: "cards_api_cache_lookups_total", dimensions: [("cache", "page"), ("result", "hit")])
    private let pageMisses = Counter(label: "cards_api_cache_lookups_total", dimensions: [("cache", "page"), ("result", "miss")])

    init(limits: CardCacheLimits) {
        self.limits = limits
        self.largestEntry = limits.bytes / 64
        self.state = Mutex(State(recent: Array(repeating: nil, count: 1024)))
    }

    var isEnabled: Bool { limits.bytes > 0 }

    /// Bytes of encoded cards and pages held now.
    var size: Int { state.withLock { $0.cardBytes + $0.pageBytes } }

    // MARK: Reads

    func card(_ id: UUID) -> CardEntry? {
        guard isEnabled else { return nil }
        let now = ContinuousClock.now
        let entry = state.withLock { state -> CardEntry? in
            guard state.listening, let stored = state.cards[id], stored.expires > now else { return nil }
            return stored.value
        }
        (entry == nil ? cardMisses : cardHits).increment()
        return entry
    }

    func page(_ key: PageKey) -> ByteBuffer? {
        guard isEnabled else { return nil }
        let now = ContinuousClock.now
        let body = state.withLock { state -> ByteBuffer? in
            guard state.listening, let stored = state.pages[key.scope]?[key], stored.expires > now else { return nil }
            return stored.value
        }
        (body == nil ? pageMisses : pageHits).increment()
        return body
    }

    /// Take one before reading from Postgres; nil when nothing may be stored now.
    func ticket() -> Ticket? {
        guard isEnabled else { return nil }
        return state.withLock { $0.listening ? Ticket(sequence: $0.sequence) : nil }
    }

    // MARK: Fills

    func store(_ entry: CardEntry, id: UUID, ticket: Ticket) {
        let bytes = entry.body.readableBytes + 200  // the body, plus key, owner, ETag and bookkeeping
        guard bytes <= largestEntry else { return }
        let stored = Stored(value: entry, bytes: bytes, expires: ContinuousClock.now + limits.timeToLive)
        let budget = limits.bytes
        state.withLock { state in
            guard Self.unchanged(since: ticket, in: state, touching: { $0.touches(card: id) }) else { return }
            state.cardBytes -= state.cards.removeValue(forKey: id)?.bytes ?? 0
            Self.makeRoom(for: bytes, budget: budget, in: &state)
            state.cards[id] = stored
            state.cardBytes += bytes
        }
    }

    func store(_ body: ByteBuffer, page key: PageKey, ticket: Ticket) {
        let bytes = body.readableBytes + 200 + (key.query?.utf8.count ?? 0) + (key.tag?.utf8.count ?? 0)
        guard bytes <= largestEntry else { return }
        let stored = Stored(value: body, bytes: bytes, expires: ContinuousClock.now + limits.timeToLive)
        let budget = limits.bytes
        state.withLock { state in
            guard Self.unchanged(since: ticket, in: state, touching: { $0.touches(pagesOf: key.scope) }) else { return }
            state.pageBytes -= state.pages[key.scope]?.removeValue(forKey: key)?.bytes ?? 0
            Self.makeRoom(for: bytes, budget: budget, in: &state)
            state.pages[key.scope, default: [:]][key] = stored
            state.pageBytes += bytes
        }
    }

    /// Evicts until `bytes` more fit the budget: a card or a whole owner's pages at a time,
    /// from whichever kind holds more. The victim is whatever the hash table yields first,
    /// which is as good as random here and costs no bookkeeping on reads.
    private static func makeRoom(for bytes: Int, budget: Int, in state: inout State) {
        while state.cardBytes + state.pageBytes + bytes > budget {
            if state.cardBytes >= state.pageBytes, let victim = state.cards.first {
                state.cardBytes -= victim.value.bytes
                state.cards.removeValue(forKey: victim.key)
            } else if let victim = state.pages.first {
                state.pageBytes -= victim.value.values.reduce(0) { $0 + $1.bytes }
                state.pages.removeValue(forKey: victim.key)
            } else {
                return
            }
        }
    }

    // MARK: Changes

    /// Drops what a committed change touches.
    func apply(_ change: CardChangeNotification) {
        state.withLock { state in
            guard case .card(let id, let ownerID) = change else { return Self.flush(&state) }
            state.sequence += 1
            state.recent[Int(state.sequence % UInt64(state.recent.count))] = change
            state.cardBytes -= state.cards.removeValue(forKey: id)?.bytes ?? 0
            for scope in [ownerID, nil] as [UUID?] {
                state.pageBytes -= state.pages.removeValue(forKey: scope)?.values.reduce(0) { $0 + $1.bytes } ?? 0
            }
        }
    }

    /// Whether the change feed is connected. Either way everything is dropped: while it
    /// is down changes go unheard, so what was cached before may be stale after.
    func setListening(_ listening: Bool) {
        state.withLock { state in
            state.listening = listening
            Self.flush(&state)
        }
    }

    private static func flush(_ state: inout State) {
        state.sequence += 1
        state.flushedAt = state.sequence
        state.cards.removeAll()
        state.pages.removeAll()
        state.cardBytes = 0
        state.pageBytes = 0
    }

    /// True when no change since `ticket` touches what is about to be stored, as far as
    /// the ring of recent changes can tell (a ticket older than the ring cannot store).
    private static func unchanged(since ticket: Ticket, in state: State,
                                  touching: (CardChangeNotification) -> Bool) -> Bool {
        guard state.listening, ticket.sequence >= state.flushedAt,
              state.sequence - ticket.sequence < UInt64(state.recent.count) else { return false }
        var sequence = ticket.sequence
        while sequence < state.sequence {
            sequence += 1
            if let change = state.recent[Int(sequence % UInt64(state.recent.count))], touching(change) { return false }
        }
        return true
    }
}

/// How much `CardCache` keeps: `CARD_CACHE_MB` of encoded JSON (0 turns it off), each
/// entry for at most `CARD_CACHE_TTL_SECONDS`.
public struct CardCacheLimits: Sendable {
    public var bytes: Int
    public var timeToLive: Duration

    public init(bytes: Int, timeToLive: Duration) {
        self.bytes = bytes
        self.timeToLive = timeToLive
    }
}

extension CardChangeNotification {
    fileprivate func touches(card id: UUID) -> Bool {
        switch self {
        case .all: true
        case .card(let changed, _): changed == id
        }
    }

    /// A page of one owner's cards changes with any of their cards; an admin's page of
    /// everyone's with any card.
    fileprivate func touches(pagesOf scope: UUID?) -> Bool {
        switch self {
        case .all: true
        case .card(_, let ownerID): scope == nil || scope == ownerID
        }
    }
}
