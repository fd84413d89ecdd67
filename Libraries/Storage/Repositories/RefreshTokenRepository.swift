import Foundation
import Logging
import PostgresNIO

/// What presenting a refresh token led to.
public enum RefreshTokenUse: Sendable, Equatable {
    /// The token was live and is now spent; issue a new one in the same family.
    case rotated(userID: UUID, familyID: UUID)
    /// The token had already been spent: someone replays it, so the family was revoked.
    case reused
    /// Unknown, expired or revoked.
    case invalid
}

/// Refresh tokens, stored as hashes, rotated on every use, with reuse detection.
public protocol RefreshTokenRepository: Sendable {
    func insert(userID: UUID, familyID: UUID, tokenHash: String, expiresAt: Date) async throws
    func use(tokenHash: String) async throws -> RefreshTokenUse
    /// Logout: revokes the token's whole family; false when the token is unknown.
    func revokeFamily(ofTokenHash tokenHash: String) async throws -> Bool
}

public struct PostgresRefreshTokenRepository: RefreshTokenRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func insert(userID: UUID, familyID: UUID, tokenHash: String, expiresAt: Date) async throws {
        try await client.query(
            "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) VALUES (\(UUID()), \(userID), \(familyID), \(tokenHash), \(expiresAt))",
            logger: logger)
    }

    /// Spends the token atomically: of two concurrent uses only one can succeed.
    public func use(tokenHash: String) async throws -> RefreshTokenUse {
        let rows = try await client.query("""
            UPDATE refresh_tokens SET used_at = now()
            WHERE token_hash = \(tokenHash) AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            RETURNING user_id, family_id
            """, logger: logger)
        for try await (userID, familyID) in rows.decode((UUID, UUID).self) {
            return .rotated(userID: userID, familyID: familyID)
        }
        let spent = try await client.query(
            "SELECT family_id FROM refresh_tokens WHERE token_hash = \(tokenHash) AND used_at IS NOT NULL", logger: logger)
        for try await familyID in spent.decode(UUID.self) {
            try await client.query(
                "UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = \(familyID) AND revoked_at IS NULL", logger: logger)
            return .reused
        }
        return .invalid
    }

    public func revokeFamily(ofTokenHash tokenHash: String) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, now())
            WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = \(tokenHash))
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
