import Foundation
import Hummingbird
import ServiceKit
import Storage

/// Registration, login and token refresh (`/api/v1/auth`).
struct AuthController: Sendable {
    let users: any UserRepository
    let refreshTokens: any RefreshTokenRepository
    let tokens: AccessTokens
    let hasher: PasswordHasher
    let refreshLifetime: Duration

    struct Credentials: Decodable {
        var email: String
        var password: String
    }

    struct RefreshRequest: Decodable {
        var refreshToken: String
        enum CodingKeys: String, CodingKey { case refreshToken = "refresh_token" }
    }

    struct UserResponse: ResponseEncodable {
        var id: String
        var email: String
        var role: String
        var createdAt: Date
        enum CodingKeys: String, CodingKey {
            case id, email, role
            case createdAt = "created_at"
        }
    }

    struct TokenPair: ResponseEncodable {
        var accessToken: String
        var refreshToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case refreshToken = "refresh_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
        }
    }

    func register(on router: Router<ServiceRequestContext>, authentication: AuthenticationMiddleware<ServiceRequestContext>) {
        let group = router.group("/api/v1/auth")
        group.post("register", use: register)
        group.post("login", use: login)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
        router.group("/api/v1/auth").add(middleware: authentication).get("me", use: me)
    }

    @Sendable func register(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<UserResponse> {
        let credentials = try await request.decodeJSON(as: Credentials.self, context: context)
        let email = credentials.email.trimmingCharacters(in: .whitespaces)
        var problems: [ProblemDetails.FieldError] = []
        if !Self.isPlausibleEmail(email) { problems.append(.init(field: "email", reason: "must be an email address")) }
        if credentials.password.count < 8 { problems.append(.init(field: "password", reason: "must be at least 8 characters")) }
        if credentials.password.utf8.count > PasswordHasher.maximumBytes {
            problems.append(.init(field: "password", reason: "must be at most \(PasswordHasher.maximumBytes) bytes"))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let hash = try await hasher.hash(credentials.password)
        do {
            // Never admin: that takes the operator (`BootstrapAdmin`, `cards-api admin grant`).
            let user = try await users.create(email: email, passwordHash: hash, role: "user")
            return EditedResponse(status: .created, response: UserResponse(id: user.id.uuidString.lowercased(), email: user.email, role: user.role, createdAt: user.createdAt))
        } catch StorageError.duplicate {
            throw APIError.conflict("An account with this email already exists")
        }
    }

    @Sendable func login(_ request: Request, context: ServiceRequestContext) async throws -> TokenPair {
        let credentials = try await request.decodeJSON(as: Credentials.self, context: context)
        guard let user = try await users.find(email: credentials.email.trimmingCharacters(in: .whitespaces)) else {
            _ = try await hasher.verify(credentials.password, hash: hasher.decoyHash)
            throw APIError.unauthorized("Invalid email or password")
        }
        guard try await hasher.verify(credentials.password, hash: user.passwordHash) else {
            throw APIError.unauthorized("Invalid email or password")
        }
        return try await issue(for: user, family: UUID())
    }

    @Sendable func refresh(_ request: Request, context: ServiceRequestContext) async throws -> TokenPair {
        let body = try await request.decodeJSON(as: RefreshRequest.self, context: context)
        switch try await refreshTokens.use(tokenHash: RefreshTokens.hash(body.refreshToken)) {
        case .rotated(let userID, let familyID):
            guard let user = try await users.find(id: userID) else { throw APIError.unauthorized("The account no longer exists") }
            return try await issue(for: user, family: familyID)
        case .reused:
            context.logger.warning("refresh token reuse detected; token family revoked")
            throw APIError.unauthorized("This refresh token was already used; all sessions of its family were revoked")
        case .invalid:
            throw APIError.unauthorized("The refresh token is invalid or expired")
        }
    }

    /// Ends the session: the refresh token's whole family is revoked (access tokens expire
    /// on their own within their short lifetime).
    @Sendable func logout(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(as: RefreshRequest.self, context: context)
        guard try await refreshTokens.revokeFamily(ofTokenHash: RefreshTokens.hash(body.refreshToken)) else {
            throw APIError.unauthorized("The refresh token is invalid")
        }
        return Response(status: .noContent)
    }

    /// The caller, however authenticated (token or API key).
    @Sendable func me(_ request: Request, context: ServiceRequestContext) async throws -> UserResponse {
        let identity = try context.requireIdentity()
        guard let user = try await users.find(id: identity.userID) else { throw APIError.unauthorized("The account no longer exists") }
        return UserResponse(id: user.id.uuidString.lowercased(), email: user.email, role: user.role, createdAt: user.createdAt)
    }

    private func issue(for user: User, family: UUID) async throws -> TokenPair {
        let access = try await tokens.issue(for: Identity(userID: user.id, email: user.email, role: user.role))
        let refresh = RefreshTokens.generate()
        try await refreshTokens.insert(userID: user.id, familyID: family, tokenHash: RefreshTokens.hash(refresh),
                                       expiresAt: Date.now.addingTimeInterval(TimeInterval(refreshLifetime.components.seconds)))
        return TokenPair(accessToken: access, refreshToken: refresh, expiresIn: Int(tokens.lifetime.components.seconds))
    }

    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return email.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".") && !email.contains(where: \.isWhitespace)
    }
}
