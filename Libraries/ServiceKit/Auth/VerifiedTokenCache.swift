import Foundation
import Synchronization

/// Access tokens already verified, with who they name and until when. A client sends the
/// same token with every request for its whole lifetime, and parsing and checking it
/// (base64, JSON, HMAC) cost more than the rest of a cached read; the key is the whole
/// token, signature included, so only a token that verified once can ever hit.
final class VerifiedTokenCache: Sendable {
    private struct Entry {
        let identity: Identity
        let expiresAt: Date
    }

    private let capacity: Int
    private let entries = Mutex<[String: Entry]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The identity of a token verified before, unless it has expired since.
    func identity(for token: String, now: Date = .now) -> Identity? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.expiresAt > now else {
                entries[token] = nil
                return nil
            }
            return entry.identity
        }
    }

    func insert(_ identity: Identity, token: String, expiresAt: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                // Full of tokens: drop the expired ones, or everything if none has expired.
                let now = Date.now
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = Entry(identity: identity, expiresAt: expiresAt)
        }
    }
}
