import Foundation

/// An account. The password hash never leaves the storage layer in API output.
public struct User: Sendable, Equatable {
    public var id: UUID
    public var email: String
    public var passwordHash: String
    public var role: String
    public var createdAt: Date
}
