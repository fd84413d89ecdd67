import Foundation
import HTTPTypes
import Logging
import Storage
import Testing

@Suite struct RunAPITests {
    @Test func aRetriedCreateWithTheSameIdempotencyKeyReturnsTheSameRun() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            _ = try await api.testCase(token, card: card)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-123"]
            let first = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["models": ["smollm2"]], headers: key)
            let again = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["models": ["smollm2"]], headers: key)
            #expect(first.status == .accepted && again.status == .accepted)
            #expect(first.object["id"] as? String == again.object["id"] as? String)
            let other = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: [:])
            #expect(other.object["id"] as? String != first.object["id"] as? String)
            #expect(try await api.send(.get, "/api/v1/runs", token: token).items.count == 2)
        }
    }

    @Test func runsAreListedWithFiltersAndResultsArePaginatedAndFiltered() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let other = try await api.card(token, title: "other")
            _ = try await api.testCase(token, card: card)
            _ = try await api.testCase(token, card: other)
            let run = try #require(try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token,
                                                      json: ["models": ["smollm2", "ollama/llama3.2"], "threshold": 0.5]).object["id"] as? String)
            _ = try await api.send(.post, "/api/v1/cards/\(other)/runs", token: token, json: [:])

            #expect(try await api.send(.get, "/api/v1/runs?card_id=\(card)", token: token).items.count == 1)
            #expect(try await api.send(.get, "/api/v1/cards/\(other)/runs", token: token).items.count == 1)
            #expect(try await api.send(.get, "/api/v1/runs?model=ollama/llama3.2", token: token).items.count == 1)
            #expect(try await api.send(.get, "/api/v1/runs?status=queued", token: token).items.count == 2)
            #expect(try await api.send(.get, "/api/v1/runs?status=completed", token: token).items.isEmpty)
            #expect(try await api.send(.get, "/api/v1/runs?from=2999-01-01T00:00:00Z", token: token).items.isEmpty)
            #expect(try await api.send(.get, "/api/v1/runs?status=bogus", token: token).status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/runs?from=yesterday", token: token).status == .badRequest)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)", token: token).object["threshold"] as? Double == 0.5)

            // Results as a worker records them.
            let runID = try #require(UUID(uuidString: run))
            let store = RunStore(client: api.database, logger: Logger(label: "test"))
            for index in 0..<5 {
                _ = try await store.record(RunResult(
                    runID: runID, jobID: "job-\(index)", testCaseID: UUID(), model: "smollm2", repeatIndex: 0, prompt: "p",
                    output: "o", pass: index % 2 == 0, score: index % 2 == 0 ? 1 : 0, reason: "r", grading: nil, error: nil,
                    latencyMs: 100 * (index + 1), promptTokens: 1, completionTokens: 2, cost: 0.001))
            }
            let page = try await api.send(.get, "/api/v1/runs/\(run)/results?limit=2", token: token)
            #expect(page.items.count == 2 && page.object["next_cursor"] is String)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)/results?pass=true", token: token).items.count == 3)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)/results?pass=false", token: token).items.count == 2)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)/results?pass=maybe", token: token).status == .badRequest)

            let analytics = try await api.send(.get, "/api/v1/analytics/cards/\(card)", token: token)
            #expect(analytics.status == .ok)
            let models = try #require(analytics.object["models"] as? [[String: Any]])
            let stats = try #require(models.first { $0["model"] as? String == "smollm2" })
            #expect(stats["results"] as? Int == 5 && stats["runs"] as? Int == 1)
            #expect(stats["pass_rate"] as? Double == 0.6)
            #expect(stats["latency_p50_ms"] as? Double == 300)
            #expect((stats["cost"] as? Double ?? 0) > 0.0049)
            #expect((analytics.object["trend"] as? [[String: Any]])?.count == 1)
            #expect(try await api.send(.get, "/api/v1/analytics/models?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", token: token).status == .badRequest)

            #expect(try await api.send(.delete, "/api/v1/runs/\(run)", token: token).status == .noContent)
            #expect(try await api.send(.get, "/api/v1/runs/\(run)", token: token).status == .notFound)
        }
    }
}
