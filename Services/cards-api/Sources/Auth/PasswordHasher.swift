import Foundation
import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's blocking thread pool: hashing takes tens of milliseconds of CPU and
/// must never run on an event loop or the cooperative pool.
struct PasswordHasher: Sendable {
    /// bcrypt reads at most 72 bytes of a password.
    static let maximumBytes = 72

    let cost: UInt8
    /// A hash of a random secret: verifying against it when the email is unknown makes a
    /// failed login take as long whether or not the account exists.
    let decoyHash: String

    static func make(cost: Int) async throws -> PasswordHasher {
        let cost = UInt8(cost)
        let decoy = try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(UUID().uuidString, cost: cost) }
        return PasswordHasher(cost: cost, decoyHash: decoy)
    }

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
