import Foundation
import Hummingbird
import HummingbirdTesting
@testable import ServiceKit
import Testing

/// Token verification with its cache of verified tokens, and the header parsing in front.
@Suite struct AccessTokenTests {
    let identity = Identity(userID: UUID(), email: "a@b.co", role: "user")

    @Test func aVerifiedTokenIsRememberedOnlyUntilItExpires() async throws {
        let tokens = await AccessTokens(secret: String(repeating: "k", count: 32), lifetime: .seconds(60))
        let token = try await tokens.issue(for: identity)
        #expect(try await tokens.verify(token) == identity)
        #expect(try await tokens.verify(token) == identity, "the second time from the cache")

        let cache = VerifiedTokenCache(capacity: 2)
        let now = Date()
        cache.insert(identity, token: "t1", expiresAt: now.addingTimeInterval(1))
        #expect(cache.identity(for: "t1", now: now) == identity)
        #expect(cache.identity(for: "t1", now: now.addingTimeInterval(2)) == nil, "expired entries are not served")
        #expect(cache.identity(for: "t2", now: now) == nil)
    }

    @Test func theCacheStaysWithinItsCapacity() {
        let cache = VerifiedTokenCache(capacity: 3)
        let later = Date().addingTimeInterval(60)
        for index in 0..<10 { cache.insert(identity, token: "t\(index)", expiresAt: later) }
        let kept = (0..<10).filter { cache.identity(for: "t\($0)") != nil }
        #expect(kept.count <= 3 && kept.contains(9))
    }

    @Test func aTokenThatOnlyResemblesACachedOneIsStillChecked() async throws {
        let tokens = await AccessTokens(secret: String(repeating: "k", count: 32))
        let token = try await tokens.issue(for: identity)
        _ = try await tokens.verify(token)
        var tampered = Array(token)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        await #expect(throws: APIError.self) { try await tokens.verify(String(tampered)) }
    }

    @Test func bearerHeadersAreParsedLeniently() async throws {
        let tokens = await AccessTokens(secret: String(repeating: "k", count: 32))
        let token = try await tokens.issue(for: identity)
        let router = ServiceRouter.make(service: "test", checks: [])
        router.add(middleware: AuthenticationMiddleware(tokens: tokens)).get("/me") { _, context in
            try context.requireIdentity().email
        }
        try await Application(router: router).test(.router) { client in
            for header in ["Bearer \(token)", "bearer \(token)", "BEARER   \(token)  ", "Bearer \(token)\t"] {
                try await client.execute(uri: "/me", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .ok, "\(header.prefix(12))")
                }
            }
            for header in ["Bearer", "Bearer ", "Basic \(token)", token, "Bearer x y"] {
                try await client.execute(uri: "/me", method: .get, headers: [.authorization: header]) { response in
                    #expect(response.status == .unauthorized, "\(header.prefix(12))")
                }
            }
        }
    }

    @Test func generatedRequestIDsAreDistinctVersion4UUIDs() {
        let ids = (0..<1000).map { _ in RequestIDGenerator.next() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil && id == id.lowercased() && id.count == 36)
            #expect(Array(id)[14] == "4", "version 4")
            #expect("89ab".contains(Array(id)[19]), "RFC 4122 variant")
        }
    }
}
