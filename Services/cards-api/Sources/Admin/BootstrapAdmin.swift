import Logging
import Storage

/// The one admin an operator names at start (`ADMIN_EMAIL` + `ADMIN_PASSWORD_FILE`).
///
/// Nobody becomes admin by registering: an address that is merely listed could be claimed by
/// whoever registers it first. The operator proves the account is theirs by the password: a
/// missing account is created with it, an existing one becomes admin only if its password is
/// that one. Otherwise the grant is refused (logged), and `cards-api admin grant` is the way.
struct BootstrapAdmin: Sendable {
    let email: String
    let password: String

    enum Outcome: Equatable {
        case created, granted
        /// The account exists with another password: someone else may own it.
        case refused
    }

    func apply(users: any UserRepository, hasher: PasswordHasher, logger: Logger) async throws -> Outcome {
        let outcome = try await ensure(users: users, hasher: hasher)
        switch outcome {
        case .created: logger.notice("bootstrap admin created", metadata: ["email": "\(email)"])
        case .granted: logger.notice("bootstrap admin granted", metadata: ["email": "\(email)"])
        case .refused:
            logger.error("""
                ADMIN_EMAIL names an account whose password is not the one in ADMIN_PASSWORD_FILE: not making it admin \
                (check who owns it, then run `cards-api admin grant <email>`)
                """, metadata: ["email": "\(email)"])
        }
        return outcome
    }

    private func ensure(users: any UserRepository, hasher: PasswordHasher) async throws -> Outcome {
        if let user = try await users.find(email: email) { return try await grant(user, users: users, hasher: hasher) }
        do {
            _ = try await users.create(email: email, passwordHash: try await hasher.hash(password), role: "admin")
            return .created
        } catch StorageError.duplicate {
            // Registered between the lookup and the insert (another replica starting, or a user).
            guard let user = try await users.find(email: email) else { throw StorageError.unexpected("admin vanished") }
            return try await grant(user, users: users, hasher: hasher)
        }
    }

    private func grant(_ user: User, users: any UserRepository, hasher: PasswordHasher) async throws -> Outcome {
        guard try await hasher.verify(password, hash: user.passwordHash) else { return .refused }
        if user.role != "admin" { _ = try await users.setRole("admin", email: email) }
        return .granted
    }
}
