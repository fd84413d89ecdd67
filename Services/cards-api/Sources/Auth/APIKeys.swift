import Crypto
import Foundation
import ServiceKit
import Storage

/// API key material: `pcs_` + 40 random base62 characters. The first 12 characters are the
/// shown prefix; only the SHA-256 of the whole key is stored.
enum APIKeys {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return "pcs_" + String((0..<40).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func prefix(of key: String) -> String { String(key.prefix(12)) }

    static func hash(_ key: String) -> String {
        SHA256.hash(data: Data(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// cards-api resolves API keys itself, from Postgres.
struct DatabaseAPIKeyAuthenticator: APIKeyAuthenticator {
    let keys: any APIKeyRepository

    func identity(forAPIKey key: String) async throws -> Identity? {
        guard key.hasPrefix("pcs_"), key.count <= 100 else { return nil }
        guard let user = try await keys.owner(ofKeyHash: APIKeys.hash(key)) else { return nil }
        return Identity(userID: user.id, email: user.email, role: user.role)
    }
}
