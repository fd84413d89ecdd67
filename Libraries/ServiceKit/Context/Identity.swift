import Foundation

/// Who is calling, as learned from a verified access token.
public struct Identity: Sendable, Equatable {
    public var userID: UUID
    public var email: String
    public var role: String

    public init(userID: UUID, email: String, role: String) {
        self.userID = userID
        self.email = email
        self.role = role
    }

    public var isAdmin: Bool { role == "admin" }
}
