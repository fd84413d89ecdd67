import Foundation
import HTTPTypes
import ServiceKit
import Testing

/// Every owned resource route × every kind of caller.
@Suite struct OwnershipTests {
    @Test func eachRouteRefusesStrangersAndForgeriesAndServesOwnersAndAdmins() async throws {
        try await CardsAPIHarness.with(admin: "root@example.com") { api in
            let (owner, _) = try await api.account()
            let (stranger, _) = try await api.account()
            let (admin, _) = try await api.login("root@example.com")
            let card = try await api.card(owner)
            let test = try await api.testCase(owner, card: card)
            let run = try #require(try await api.send(.post, "/api/v1/cards/\(card)/runs", token: owner, json: [:]).object["id"] as? String)
            let key = try #require(try await api.send(.post, "/api/v1/keys", token: owner, json: ["name": "k"]).object["id"] as? String)

            let identity = Identity(userID: UUID(), email: "x@y.z", role: "user")
            let forged = try await AccessTokens(secret: String(repeating: "z", count: 48)).issue(for: identity)
            let expired = try await AccessTokens(secret: CardsAPIHarness.secret, lifetime: .seconds(60))
                .issue(for: identity, now: .now.addingTimeInterval(-3600))

            let routes: [(HTTPRequest.Method, String, Any?)] = [
                (.get, "/api/v1/cards/\(card)", nil),
                (.patch, "/api/v1/cards/\(card)", ["title": "stolen"]),
                (.get, "/api/v1/cards/\(card)/versions", nil),
                (.get, "/api/v1/cards/\(card)/versions/1", nil),
                (.get, "/api/v1/cards/\(card)/tests", nil),
                (.post, "/api/v1/cards/\(card)/tests", ["vars": [:], "assert": []]),
                (.get, "/api/v1/cards/\(card)/tests/\(test)", nil),
                (.put, "/api/v1/cards/\(card)/tests/\(test)", ["vars": [:], "assert": []]),
                (.get, "/api/v1/cards/\(card)/runs", nil),
                (.post, "/api/v1/cards/\(card)/runs", [:]),
                (.get, "/api/v1/runs/\(run)", nil),
                (.get, "/api/v1/runs/\(run)/results", nil),
                (.get, "/api/v1/analytics/cards/\(card)", nil),
                (.post, "/api/v1/runs/\(run)/cancel", nil),
                (.delete, "/api/v1/cards/\(card)/tests/\(test)", nil),
                (.delete, "/api/v1/runs/\(run)", nil),
                (.delete, "/api/v1/keys/\(key)", nil),
                (.delete, "/api/v1/cards/\(card)", nil),
            ]
            for (method, path, body) in routes {
                let anonymous = try await api.send(method, path, json: body)
                #expect(anonymous.status == .unauthorized && anonymous.isProblem, "\(method) \(path) without credentials")
                for token in [forged, expired, "garbage"] {
                    #expect(try await api.send(method, path, token: token, json: body).status == .unauthorized, "\(method) \(path) bad token")
                }
                let other = try await api.send(method, path, token: stranger, json: body)
                #expect(other.status == .notFound, "\(method) \(path) as another user: \(other.status)")
                #expect(!other.text.contains(card) || path.contains(card), "no data leaks in the 404")
            }
            // Strangers changed nothing: the owner still sees everything, unmodified.
            let intact = try await api.send(.get, "/api/v1/cards/\(card)", token: owner)
            #expect(intact.status == .ok && intact.object["title"] as? String == "Card" && intact.object["version"] as? Int == 1)
            #expect(try await api.send(.get, "/api/v1/cards/\(card)/tests/\(test)", token: owner).status == .ok)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)", token: owner).status == .ok)

            // Admins see (read) everything.
            for (method, path, _) in routes where method == .get {
                #expect(try await api.send(method, path, token: admin).status == .ok, "admin \(path)")
            }
            #expect(try await api.send(.get, "/api/v1/cards", token: stranger).items.isEmpty)
            #expect(try await api.send(.get, "/api/v1/cards", token: admin).items.count == 1)

            // And the owner can do the destructive ones.
            for (method, path, body) in routes where method == .delete {
                #expect(try await api.send(method, path, token: owner, json: body).status == .noContent, "owner \(path)")
            }
        }
    }
}
