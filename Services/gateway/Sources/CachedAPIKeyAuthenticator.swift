import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import ServiceKit

/// Resolves API keys by asking cards-api (`GET /api/v1/auth/me` with the key), which owns
/// them, and remembers answers for a short while so a busy key costs one lookup per
/// `ttl`, not one per request. A revoked key therefore keeps working for at most `ttl`
/// at the gateway. Unknown keys are cached too (as nil), so a flood of bad keys does not
/// become a flood of lookups.
final class CachedAPIKeyAuthenticator: APIKeyAuthenticator {
    let cardsAPIURL: String
    /// By key hash; nil for a key cards-api does not know.
    private let cache: ExpiringCache<String, Identity?>

    init(cardsAPIURL: String, ttl: Duration = .seconds(30), capacity: Int = 10_000) {
        self.cardsAPIURL = cardsAPIURL
        self.cache = ExpiringCache(ttl: ttl, capacity: capacity)
    }

    /// An API key's SHA-256 in hex: what the cache, and the rate limits, know a key by.
    static func digest(of key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    func identity(forAPIKey key: String) async throws -> Identity? {
        // The cache is keyed by a hash, so key material is not kept in memory longer than needed.
        let digest = Self.digest(of: key)
        if let known = cache.value(for: digest) { return known }

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
        cache.insert(identity, for: digest)
        return identity
    }
}
