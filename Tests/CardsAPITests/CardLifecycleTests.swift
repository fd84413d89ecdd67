import Foundation
import HTTPTypes
import Testing

@Suite struct CardLifecycleTests {
    @Test func everyChangeIsAVersionAndStaleETagsAreRefused() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let created = try await api.send(.post, "/api/v1/cards", token: token, json: ["title": "v1", "template": "Hi {{name}}"])
            let id = try #require(created.object["id"] as? String)
            #expect(created.headers[.eTag] == "\"1\"")

            let updated = try await api.send(.patch, "/api/v1/cards/\(id)", token: token,
                                             json: ["template": "Hello {{name}} from {{place}}"], headers: [.ifMatch: "\"1\""])
            #expect(updated.status == .ok)
            #expect(updated.headers[.eTag] == "\"2\"")
            #expect(updated.object["variables"] as? [String] == ["name", "place"])

            let stale = try await api.send(.patch, "/api/v1/cards/\(id)", token: token, json: ["title": "lost update"],
                                           headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed && stale.isProblem)
            #expect(stale.headers[.eTag] == "\"2\"")
            let malformed = try await api.send(.patch, "/api/v1/cards/\(id)", token: token, json: ["title": "x"], headers: [.ifMatch: "v2"])
            #expect(malformed.status == .preconditionFailed)
            let badTemplate = try await api.send(.patch, "/api/v1/cards/\(id)", token: token, json: ["template": "{{ oops"])
            #expect(badTemplate.status == .badRequest && badTemplate.text.contains("template"))

            let versions = try await api.send(.get, "/api/v1/cards/\(id)/versions", token: token)
            #expect(versions.items.compactMap { $0["version"] as? Int } == [2, 1])
            let first = try await api.send(.get, "/api/v1/cards/\(id)/versions/1", token: token)
            #expect(first.object["template"] as? String == "Hi {{name}}")
            #expect(try await api.send(.get, "/api/v1/cards/\(id)/versions/9", token: token).status == .notFound)

            let current = try await api.send(.get, "/api/v1/cards/\(id)", token: token)
            #expect(current.object["title"] as? String == "v1" && current.object["version"] as? Int == 2)
        }
    }

    @Test func testCasesHaveFullCRUDAndBulkCreationIsAllOrNothing() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let bulk = try await api.send(.post, "/api/v1/cards/\(card)/tests/bulk", token: token, json: ["tests": [
                ["vars": ["word": "a"], "assert": [["type": "contains", "value": "a"]]],
                ["vars": ["word": "b"], "assert": [["type": "regex", "value": "(unclosed"]]],
            ]])
            #expect(bulk.status == .badRequest)
            #expect(bulk.text.contains("tests[1].assert[0]"))
            #expect(try await api.send(.get, "/api/v1/cards/\(card)/tests", token: token).items.isEmpty, "nothing was created")

            let tests = (0..<5).map { ["description": "case \($0)", "vars": ["word": "w\($0)"], "assert": [["type": "icontains", "value": "w"]]] }
            let created = try await api.send(.post, "/api/v1/cards/\(card)/tests/bulk", token: token, json: ["tests": tests])
            #expect(created.status == .created && created.items.count == 5)
            let listed = try await api.send(.get, "/api/v1/cards/\(card)/tests?limit=3", token: token)
            #expect(listed.items.compactMap { $0["description"] as? String } == ["case 0", "case 1", "case 2"])
            let cursor = try #require(listed.object["next_cursor"] as? String)
            let rest = try await api.send(.get, "/api/v1/cards/\(card)/tests?limit=3&cursor=\(cursor)", token: token)
            #expect(rest.items.compactMap { $0["description"] as? String } == ["case 3", "case 4"])

            let id = try #require(created.items.first?["id"] as? String)
            let replaced = try await api.send(.put, "/api/v1/cards/\(card)/tests/\(id)", token: token,
                                              json: ["description": "replaced", "vars": [:], "assert": [], "threshold": 0.5])
            #expect(replaced.status == .ok && replaced.object["threshold"] as? Double == 0.5)
            #expect(try await api.send(.get, "/api/v1/cards/\(card)/tests/\(id)", token: token).object["description"] as? String == "replaced")
            #expect(try await api.send(.delete, "/api/v1/cards/\(card)/tests/\(id)", token: token).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/cards/\(card)/tests/\(id)", token: token).status == .notFound)
            let badThreshold = try await api.send(.put, "/api/v1/cards/\(card)/tests/\(UUID())", token: token, json: ["threshold": 3])
            #expect(badThreshold.status == .badRequest)
        }
    }

    @Test func searchRanksTitleAndTagMatchesFirst() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let inTemplate = try await api.card(token, title: "Greeter", template: "Translate {{text}} into French")
            let inTitle = try await api.card(token, title: "French translation", template: "Say {{x}}", tags: ["french"])
            _ = try await api.card(token, title: "Unrelated", template: "Add {{a}} and {{b}}")
            let found = try await api.send(.get, "/api/v1/cards?q=french", token: token)
            #expect(found.items.compactMap { $0["id"] as? String } == [inTitle, inTemplate])
            let tagged = try await api.send(.get, "/api/v1/cards?tag=french", token: token)
            #expect(tagged.items.compactMap { $0["id"] as? String } == [inTitle])
            #expect(try await api.send(.get, "/api/v1/cards?q=zebra", token: token).items.isEmpty)
        }
    }

    @Test func pagesStayStableWhileCardsAreAdded() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            var created: [String] = []
            for index in 0..<6 { created.append(try await api.card(token, title: "card \(index)")) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/cards?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api.send(.get, path, token: token)
                seen += page.items.compactMap { $0["id"] as? String }
                cursor = page.object["next_cursor"] as? String
                _ = try await api.card(token, title: "inserted while paging")
            } while cursor != nil
            #expect(seen == created.reversed(), "newest first, nothing skipped or repeated")
            #expect(try await api.send(.get, "/api/v1/cards?cursor=bogus", token: token).status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/cards?limit=0", token: token).status == .badRequest)
        }
    }
}
