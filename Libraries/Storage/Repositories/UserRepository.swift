import Foundation
import Logging
import PostgresNIO

/// Accounts and their refresh tokens.
public protocol UserRepository: Sendable {
    func create(email: String, passwordHash: String, role: String) async throws -> User
    /// The account whose canonical address (`EmailAddress.canonical`) is `email`'s.
    func find(email: String) async throws -> User?
    func find(id: UUID) async throws -> User?
    /// Sets the role of the account with this address; false when there is none.
    func setRole(_ role: String, email: String) async throws -> Bool
}

extension UserRepository {
    public func create(email: String, passwordHash: String) async throws -> User {
        try await create(email: email, passwordHash: passwordHash, role: "user")
    }
}

public struct PostgresUserRepository: UserRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(email: String, passwordHash: String, role: String) async throws -> User {
        let user = User(id: UUID(), email: email, passwordHash: passwordHash, role: role, createdAt: .now)
        do {
            try await client.query(
                """
                INSERT INTO users (id, email, email_canonical, password_hash, role, created_at)
                VALUES (\(user.id), \(user.email), \(EmailAddress.canonical(email)), \(user.passwordHash), \(user.role),
                        \(user.createdAt))
                """,
                logger: logger)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw StorageError.duplicate("email")
        }
        return user
    }

    public func find(email: String) async throws -> User? {
        try await first(client.query(
            "SELECT id, email, password_hash, role, created_at FROM users WHERE email_canonical = \(EmailAddress.canonical(email))",
            logger: logger))
    }

    public func find(id: UUID) async throws -> User? {
        try await first(client.query(
            "SELECT id, email, password_hash, role, created_at FROM users WHERE id = \(id)", logger: logger))
    }

    public func setRole(_ role: String, email: String) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE users SET role = \(role) WHERE email_canonical = \(EmailAddress.canonical(email)) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    private func first(_ rows: PostgresRowSequence) async throws -> User? {
        for try await (id, email, hash, role, created) in rows.decode((UUID, String, String, String, Date).self) {
            return User(id: id, email: email, passwordHash: hash, role: role, createdAt: created)
        }
        return nil
    }
}
