import Foundation
import HTTPTypes
import Testing

@Suite struct AccountTests {
    @Test func refreshTokensRotateAndAReplayRevokesTheFamily() async throws {
        try await CardsAPIHarness.with { api in
            let (_, first) = try await api.account()
            let rotated = try await api.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": first])
            #expect(rotated.status == .ok)
            let second = try #require(rotated.object["refresh_token"] as? String)
            #expect(second != first)
            let replay = try await api.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": first])
            #expect(replay.status == .unauthorized && replay.text.contains("already used"))
            let afterTheft = try await api.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": second])
            #expect(afterTheft.status == .unauthorized, "the legitimate successor is revoked too")
        }
    }

    @Test func logoutRevokesTheRefreshToken() async throws {
        try await CardsAPIHarness.with { api in
            let (access, refresh) = try await api.account()
            #expect(try await api.send(.post, "/api/v1/auth/logout", json: ["refresh_token": refresh]).status == .noContent)
            #expect(try await api.send(.post, "/api/v1/auth/refresh", json: ["refresh_token": refresh]).status == .unauthorized)
            #expect(try await api.send(.post, "/api/v1/auth/logout", json: ["refresh_token": "nonsense"]).status == .unauthorized)
            let me = try await api.send(.get, "/api/v1/auth/me", token: access)
            #expect(me.status == .ok && me.object["role"] as? String == "user" && me.object["password_hash"] == nil)
        }
    }

    @Test func registrationValidatesAndDoesNotRevealWhichEmailsExist() async throws {
        try await CardsAPIHarness.with { api in
            let bad = try await api.send(.post, "/api/v1/auth/register", json: ["email": "not-an-email", "password": "short"])
            #expect(bad.status == .badRequest && bad.isProblem)
            let fields = (bad.object["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["email", "password"])
            _ = try await api.account("known@example.com")
            let unknown = try await api.send(.post, "/api/v1/auth/login", json: ["email": "nobody@example.com", "password": "whatever1"])
            let wrong = try await api.send(.post, "/api/v1/auth/login", json: ["email": "known@example.com", "password": "whatever1"])
            #expect(unknown.status == .unauthorized && wrong.status == .unauthorized)
            #expect(unknown.object["detail"] as? String == wrong.object["detail"] as? String)
        }
    }

    @Test func apiKeysAreShownOnceListedByPrefixAndRevocable() async throws {
        try await CardsAPIHarness.with { api in
            let (access, _) = try await api.account()
            let created = try await api.send(.post, "/api/v1/keys", token: access, json: ["name": "ci"])
            #expect(created.status == .created)
            let key = try #require(created.object["key"] as? String)
            let id = try #require(created.object["id"] as? String)
            #expect(key.hasPrefix("pcs_") && key.count == 44)

            let listed = try await api.send(.get, "/api/v1/keys", token: access)
            #expect(listed.items.count == 1)
            #expect(listed.items.first?["prefix"] as? String == String(key.prefix(12)))
            #expect(!listed.text.contains(key), "the secret is never listed")

            let viaKey = try await api.send(.get, "/api/v1/cards", apiKey: key)
            #expect(viaKey.status == .ok)
            #expect(try await api.send(.get, "/api/v1/auth/me", apiKey: key).status == .ok)
            #expect(try await api.send(.get, "/api/v1/cards", apiKey: key + "x").status == .unauthorized)

            #expect(try await api.send(.delete, "/api/v1/keys/\(id)", token: access).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/cards", apiKey: key).status == .unauthorized)
            #expect(try await api.send(.delete, "/api/v1/keys/\(id)", token: access).status == .notFound)
        }
    }
}
