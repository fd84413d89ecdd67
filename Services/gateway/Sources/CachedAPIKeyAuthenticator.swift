import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import ServiceKit
import Synchronization

/// Resolves API keys by asking cards-api (`GET /api/v1/auth/me` with the key), which owns
/// them, and remembers answers for a short while so a busy key costs one lookup per
/// `ttl`, not one per request. A revoked key therefore keeps working for at most `ttl`
/// at the gateway. Unknown keys are cached too (as nil), so a flood of bad keys does not
/// become a flood of lookups.
final class CachedAPIKeyAuthenticator: APIKeyAuthenticator {
    private struct Entry {
        let identity: Identity?
        let expires: ContinuousClock.Instant
    }

    let cardsAPIURL: String
    let ttl: Duration
    let capacity: Int
    private let cache = Mutex<[String: Entry]>([:])

    init(cardsAPIURL: String, ttl: Duration = .seconds(30), capacity: Int = 10_000) {
        self.cardsAPIURL = cardsAPIURL
        self.ttl = ttl
        self.capacity = capacity
    }

    func identity(forAPIKey key: String) async throws -> Identity? {
        // The cache is keyed by a hash, so key material is not kept in memory longer than needed.
        let digest = SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[digest] }), entry.expires > now { return entry.identity }

        var request = HTTPClientRequest(url: cardsAPIURL + "/api/v1/auth/me")
        request.headers.add(name: "X-API-Key", value: key)
        let response: HTTPClientResponse
        do {
            response = try await ServiceHTTPClient.shared.execute(request, timeout: .seconds(5))
        } catch {
            throw APIError.unavailable("cards-api could not verify the API key")
        }
        let body = try await response.body.collect(upTo: 64 * 1024)
        let identity: Identity?
        switch response.status.code {
        case 200:
            struct Me: Decodable {
                let id: UUID
                let email: String
                let role: String
            }
            let me = try JSONDecoder().decode(Me.self, from: Data(buffer: body))
            identity = Identity(userID: me.id, email: me.email, role: me.role)
        case 401:
            identity = nil
        default:
            throw APIError.unavailable("cards-api could not verify the API key (status \(response.status.code))")
        }
        cache.withLock { cache in
            if cache.count >= capacity { cache = cache.filter { $0.value.expires > now } }
            if cache.count < capacity { cache[digest] = Entry(identity: identity, expires: now + ttl) }
        }
        return identity
    }
}
