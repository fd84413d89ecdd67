import Foundation
import JWTKit

/// The claims of the suite's short-lived access token (HS256).
public struct AccessTokenClaims: JWTPayload, Equatable {
    public static let tokenType = "access"

    public var sub: SubjectClaim
    public var email: String
    public var role: String
    public var typ: String
    public var iat: IssuedAtClaim
    public var exp: ExpirationClaim

    public init(userID: UUID, email: String, role: String, issuedAt: Date, expiresAt: Date) {
        self.sub = SubjectClaim(value: userID.uuidString.lowercased())
        self.email = email
        self.role = role
        self.typ = Self.tokenType
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
    }

    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard typ == Self.tokenType else { throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "not an access token") }
    }
}
