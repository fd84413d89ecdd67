import Synchronization

/// A small answer cache for lookups one daemon makes of another (API keys at the gateway,
/// channel grants at realtime): each entry lives for `ttl`, and at most `capacity` are kept.
/// When full, expired entries are dropped, and a new entry that still does not fit is not
/// stored, so a flood of new keys cannot push out the answers in use.
public final class ExpiringCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expires: ContinuousClock.Instant
    }

    public let ttl: Duration
    public let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    public init(ttl: Duration, capacity: Int) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// The value stored for `key`, unless it has expired.
    public func value(for key: Key) -> Value? {
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[key], entry.expires > now else { return nil }
            return entry.value
        }
    }

    public func insert(_ value: Value, for key: Key) {
        let now = ContinuousClock.now
        let entry = Entry(value: value, expires: now + ttl)
        entries.withLock { entries in
            if entries.count >= capacity { entries = entries.filter { $0.value.expires > now } }
            if entries.count < capacity { entries[key] = entry }
        }
    }
}
