import Foundation
import Logging
import PostgresNIO

/// Each user's webhook signing secret: every delivery to the user's webhooks is signed
/// with it (HMAC-SHA256), and only the user (through the API) and the worker that signs
/// ever read it. Made on first use; rotating replaces it at once.
public struct WebhookSecretRepository: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The user's secret, made now if they had none; nil when there is no such user. Every
    /// delivery reads it, so a user who has one costs a read, not a row rewritten each time.
    public func secret(of userID: UUID) async throws -> String? {
        let found = try await client.query("SELECT webhook_secret FROM users WHERE id = \(userID)", logger: logger)
        for try await secret in found.decode(String?.self) {
            if let secret { return secret }
            // The first use: made once; a racing first use keeps whichever landed first.
            let made = try await client.query("""
                UPDATE users SET webhook_secret = coalesce(webhook_secret, \(Self.generate()))
                WHERE id = \(userID) RETURNING webhook_secret
                """, logger: logger)
            for try await secret in made.decode(String.self) { return secret }
        }
        return nil
    }

    /// Replaces the user's secret with a new one and returns it; nil when there is no such user.
    public func rotate(for userID: UUID) async throws -> String? {
        let rows = try await client.query(
            "UPDATE users SET webhook_secret = \(Self.generate()) WHERE id = \(userID) RETURNING webhook_secret",
            logger: logger)
        for try await secret in rows.decode(String.self) { return secret }
        return nil
    }

    /// `whsec_` and 64 hex digits: 256 bits from the system's CSPRNG.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}
