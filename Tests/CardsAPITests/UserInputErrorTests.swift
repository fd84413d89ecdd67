import Foundation
import HTTPTypes
import Testing

/// Inputs a client controls that once reached Postgres as values it could not take, and so
/// answered 500 (which also counted against the gateway's circuit breaker).
@Suite struct UserInputErrorTests {
    /// A cursor in our own format, with any position.
    static func cursor(_ position: Int64, id: String = "00000000-0000-0000-0000-000000000000") -> String {
        Data("\(position):\(id)".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    @Test(arguments: [Int64(-1), Int64.min, Int64.max, 253_402_300_800_000_000])
    func aCursorWithAPositionNoPageHasIsA400(_ position: Int64) async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            _ = try await api.card(token, title: "findable words")
            for path in ["/api/v1/cards?q=findable&cursor=", "/api/v1/cards?cursor=", "/api/v1/runs?cursor="] {
                let reply = try await api.send(.get, path + Self.cursor(position, id: UUID().uuidString.lowercased()),
                                               token: token)
                #expect(reply.status == .badRequest, "\(path) \(position): \(reply.text)")
                #expect(reply.text.contains("cursor"))
            }
            let offsetCursor = try await api.send(.get, "/api/v1/cards?q=findable&cursor=" + Self.cursor(position), token: token)
            #expect(offsetCursor.status == .badRequest, "search offset \(position): \(offsetCursor.text)")
        }
    }

    @Test(arguments: ["\"99999999999\"", "\"2147483648\"", "\"0\"", "\"-3\"", "W/\"99999999999999999999\""])
    func anIfMatchNoVersionCanHaveIsA412(_ tag: String) async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let reply = try await api.send(.patch, "/api/v1/cards/\(card)", token: token, json: ["title": "new"],
                                           headers: [.ifMatch: tag])
            #expect(reply.status == .preconditionFailed, "\(tag): \(reply.text)")
            #expect(reply.isProblem)
        }
    }

    @Test func searchResultsPageOnlyAsDeepAsTheirBudget() async throws {
        try await CardsAPIHarness.with(environment: ["MAX_SEARCH_DEPTH": "100"]) { api in
            let (token, _) = try await api.account()
            _ = try await api.card(token, title: "deep search")
            let within = try await api.send(.get, "/api/v1/cards?q=deep&limit=50&cursor=" + Self.cursor(50), token: token)
            #expect(within.status == .ok, "\(within.text)")
            let beyond = try await api.send(.get, "/api/v1/cards?q=deep&limit=50&cursor=" + Self.cursor(51), token: token)
            #expect(beyond.status == .badRequest)
            let limit = beyond.object["limit"] as? [String: Any]
            #expect(limit?["name"] as? String == "MAX_SEARCH_DEPTH" && limit?["max"] as? Int == 100, "\(beyond.text)")
        }
    }

    @Test func aCardsVersionsArePaginated() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            for index in 1...4 {
                let edit = try await api.send(.patch, "/api/v1/cards/\(card)", token: token, json: ["title": "v\(index + 1)"])
                #expect(edit.status == .ok)
            }
            var versions: [Int] = []
            var path = "/api/v1/cards/\(card)/versions?limit=2"
            while true {
                let page = try await api.send(.get, path, token: token)
                #expect(page.status == .ok && page.items.count <= 2, "\(page.text)")
                versions += page.items.compactMap { $0["version"] as? Int }
                guard let next = page.object["next_cursor"] as? String else { break }
                path = "/api/v1/cards/\(card)/versions?limit=2&cursor=\(next)"
            }
            #expect(versions == [5, 4, 3, 2, 1])
            let tooMany = try await api.send(.get, "/api/v1/cards/\(card)/versions?limit=1000", token: token)
            #expect(tooMany.status == .badRequest)
        }
    }
}
