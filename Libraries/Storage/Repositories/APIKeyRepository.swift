import Foundation
import Logging
import PostgresNIO

/// API keys: stored as hashes, listed by prefix, revocable.
public protocol APIKeyRepository: Sendable {
    func create(userID: UUID, name: String, prefix: String, keyHash: String) async throws -> APIKey
    func list(userID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<APIKey>
    /// Revokes the key if `userID` owns it (or `userID` is nil, for admins); false if no such live key.
    func revoke(id: UUID, userID: UUID?) async throws -> Bool
    /// The owner of a live key, recording its use.
    func owner(ofKeyHash keyHash: String) async throws -> User?
}

public struct PostgresAPIKeyRepository: APIKeyRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(userID: UUID, name: String, prefix: String, keyHash: String) async throws -> APIKey {
        let key = APIKey(id: UUID(), name: name, prefix: prefix, createdAt: .now, lastUsedAt: nil, revokedAt: nil)
        try await client.query("""
            INSERT INTO api_keys (id, user_id, name, prefix, key_hash, created_at)
            VALUES (\(key.id), \(userID), \(name), \(prefix), \(keyHash), \(key.createdAt))
            """, logger: logger)
        return key
    }

    public func list(userID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<APIKey> {
        let rows = try await client.query("""
            SELECT id, name, prefix, created_at, last_used_at, revoked_at, (extract(epoch from created_at) * 1000000)::bigint
            FROM api_keys WHERE user_id = \(userID)
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) < (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """, logger: logger)
        var keys: [(APIKey, Int64)] = []
        for try await (id, name, prefix, created, used, revoked, micros) in rows.decode((UUID, String, String, Date, Date?, Date?, Int64).self) {
            keys.append((APIKey(id: id, name: name, prefix: prefix, createdAt: created, lastUsedAt: used, revokedAt: revoked), micros))
        }
        return Page(window: keys, limit: limit) { PageCursor(createdAtMicros: $0.1, id: $0.0.id) }.map(\.0)
    }

    public func revoke(id: UUID, userID: UUID?) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE api_keys SET revoked_at = now()
            WHERE id = \(id) AND (\(userID)::uuid IS NULL OR user_id = \(userID)) AND revoked_at IS NULL
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    public func owner(ofKeyHash keyHash: String) async throws -> User? {
        // last_used_at is refreshed at most once a minute, so a busy key does not turn every
        // request into a write.
        let rows = try await client.query("""
            WITH key AS (
                UPDATE api_keys SET last_used_at = now()
                WHERE key_hash = \(keyHash) AND revoked_at IS NULL
                  AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                RETURNING user_id
            )
            SELECT u.id, u.email, u.password_hash, u.role, u.created_at FROM users u
            WHERE u.id IN (SELECT user_id FROM key
                           UNION SELECT user_id FROM api_keys WHERE key_hash = \(keyHash) AND revoked_at IS NULL)
            """, logger: logger)
        for try await (id, email, hash, role, created) in rows.decode((UUID, String, String, String, Date).self) {
            return User(id: id, email: email, passwordHash: hash, role: role, createdAt: created)
        }
        return nil
    }
}
