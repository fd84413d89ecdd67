import Foundation
import TestSupport
import Testing

/// Webhooks over the API: each user's signing secret, and the URLs cards and runs announce
/// their end to, checked for shape where they are given.
@Suite struct WebhooksAPITests {
    @Test func aUserReadsAndRotatesTheirOwnSigningSecret() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let (other, _) = try await api.account()
            let first = try await api.send(.get, "/api/v1/webhooks/secret", token: token)
            #expect(first.status == .ok && first.headers[.cacheControl] == "no-store", "\(first.text)")
            let secret = try #require(first.object["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && secret.count == 70, "\(secret)")
            #expect(try await api.send(.get, "/api/v1/webhooks/secret", token: token).object["secret"] as? String == secret,
                    "reading again gives the same secret")
            let theirs = try await api.send(.get, "/api/v1/webhooks/secret", token: other).object["secret"] as? String
            #expect(theirs != nil && theirs != secret, "each user has their own")
            let rotated = try await api.send(.post, "/api/v1/webhooks/secret/rotate", token: token)
            let fresh = try #require(rotated.object["secret"] as? String)
            #expect(rotated.status == .ok && fresh != secret && fresh.hasPrefix("whsec_"), "\(rotated.text)")
            #expect(try await api.send(.get, "/api/v1/webhooks/secret", token: token).object["secret"] as? String == fresh)
            #expect(try await api.send(.get, "/api/v1/webhooks/secret").status == .unauthorized)
        }
    }

    @Test func cardsAndRunsTakeAWebhookURLOfTheRightShapeOnly() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            for bad in ["ftp://hooks.example.com/x", "https://user:pw@hooks.example.com/x", "not a url", "https:///nohost",
                        "https://hooks.example.com/" + String(repeating: "a", count: 2100)] {
                let reply = try await api.send(.post, "/api/v1/cards", token: token,
                                               json: ["title": "t", "template": "Say {{word}}", "webhook_url": bad])
                #expect(reply.status == .badRequest && reply.text.contains("webhook_url"), "\(bad): \(reply.text)")
            }
            let created = try await api.send(.post, "/api/v1/cards", token: token, json: [
                "title": "t", "template": "Say {{word}}", "webhook_url": "https://hooks.example.com/pcs",
            ])
            #expect(created.status == .created && created.object["webhook_url"] as? String == "https://hooks.example.com/pcs",
                    "\(created.text)")
            let card = try #require(created.object["id"] as? String)
            _ = try await api.testCase(token, card: card)

            let inherited = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: [:])
            #expect(inherited.status == .accepted && inherited.object["webhook_url"] as? String == "https://hooks.example.com/pcs",
                    "a run announces its end where its card does: \(inherited.text)")
            let own = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token,
                                         json: ["webhook_url": "http://ci.example.org/hook"])
            #expect(own.object["webhook_url"] as? String == "http://ci.example.org/hook", "\(own.text)")
            let wrong = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["webhook_url": "gopher://x"])
            #expect(wrong.status == .badRequest && wrong.text.contains("webhook_url"), "\(wrong.text)")

            let cleared = try await api.send(.patch, "/api/v1/cards/\(card)", token: token, json: ["webhook_url": ""])
            #expect(cleared.status == .ok && cleared.object["webhook_url"] is NSNull, "\(cleared.text)")
        }
    }
}
