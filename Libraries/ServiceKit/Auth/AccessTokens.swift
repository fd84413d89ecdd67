import Foundation
import JWTKit

/// Signs and verifies access tokens with the shared `JWT_SECRET` (HS256). Every daemon that
/// checks identity uses this one type, so the token format lives in one place.
public struct AccessTokens: Sendable {
    private let keys: JWTKeyCollection
    private let verified = VerifiedTokenCache()
    public let lifetime: Duration

    public init(secret: String, lifetime: Duration = .seconds(15 * 60)) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.keys = keys
        self.lifetime = lifetime
    }

    public func issue(for identity: Identity, now: Date = .now) async throws -> String {
        let claims = AccessTokenClaims(
            userID: identity.userID, email: identity.email, role: identity.role,
            issuedAt: now, expiresAt: now.addingTimeInterval(TimeInterval(lifetime.components.seconds)))
        return try await keys.sign(claims)
    }

    /// The identity in a valid token, or an `APIError.unauthorized` saying why not.
    public func verify(_ token: String) async throws(APIError) -> Identity {
        if let identity = verified.identity(for: token) { return identity }
        let claims: AccessTokenClaims
        do {
            claims = try await keys.verify(token, as: AccessTokenClaims.self)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw APIError.unauthorized("The access token has expired or is not an access token")
        } catch {
            throw APIError.unauthorized("The access token is invalid")
        }
        guard let userID = UUID(uuidString: claims.sub.value) else {
            throw APIError.unauthorized("The access token has an invalid subject")
        }
        let identity = Identity(userID: userID, email: claims.email, role: claims.role)
        verified.insert(identity, token: token, expiresAt: claims.exp.value)
        return identity
    }
}
