import Foundation
import HTTPTypes
import RedisClient
import TestSupport
import Testing

/// A run's size and a user's share of the queue are budgets, checked before anything is
/// loaded or enqueued; the jobs of a large run are small references to its stored snapshot.
@Suite struct RunBudgetTests {
    @Test func aRunWithMoreJobsThanItsBudgetIsRefusedNamingTheLimit() async throws {
        try await CardsAPIHarness.with(environment: ["MAX_JOBS_PER_RUN": "5"]) { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            for _ in 0..<3 { _ = try await api.testCase(token, card: card) }
            let fits = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["models": ["smollm2"]])
            #expect(fits.status == .accepted)
            let over = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token,
                                          json: ["models": ["smollm2"], "repeat": 2])
            #expect(over.status == .badRequest)
            #expect(over.object["type"] as? String == "urn:pcs:problem:limit-exceeded")
            let limit = try #require(over.object["limit"] as? [String: Any], "\(over.text)")
            #expect(limit["name"] as? String == "MAX_JOBS_PER_RUN" && limit["max"] as? Int == 5)
            #expect((over.object["detail"] as? String)?.contains("6 jobs") == true, "\(over.text)")
            #expect(try await api.send(.get, "/api/v1/runs", token: token).items.count == 1, "nothing was stored")
        }
    }

    @Test func aUserPastTheActiveRunQuotaGets429WhileOthersStillStartRuns() async throws {
        try await CardsAPIHarness.with(environment: ["MAX_ACTIVE_RUNS_PER_USER": "2"]) { api in
            let (busy, _) = try await api.account()
            let card = try await api.card(busy)
            _ = try await api.testCase(busy, card: card)
            // Several at once: the quota is checked under a per-user lock, so exactly two pass.
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<5 {
                    group.addTask { try await api.send(.post, "/api/v1/cards/\(card)/runs", token: busy, json: [:]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .accepted }.count == 2, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 3, "\(statuses)")
            let refused = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: busy, json: [:])
            #expect((refused.object["limit"] as? [String: Any])?["name"] as? String == "MAX_ACTIVE_RUNS_PER_USER")

            let (other, _) = try await api.account()
            let theirs = try await api.card(other)
            _ = try await api.testCase(other, card: theirs)
            #expect(try await api.send(.post, "/api/v1/cards/\(theirs)/runs", token: other, json: [:]).status == .accepted)

            // A finished (here: cancelled) run frees its place.
            let first = try #require(try await api.send(.get, "/api/v1/runs", token: busy).items.first?["id"] as? String)
            #expect(try await api.send(.post, "/api/v1/runs/\(first)/cancel", token: busy).status == .ok)
            #expect(try await api.send(.post, "/api/v1/cards/\(card)/runs", token: busy, json: [:]).status == .accepted)
        }
    }

    @Test func queuedJobsPerUserCountEveryUnfinishedRun() async throws {
        try await CardsAPIHarness.with(environment: ["MAX_QUEUED_JOBS_PER_USER": "10"]) { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            for _ in 0..<3 { _ = try await api.testCase(token, card: card) }
            let first = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["repeat": 3])
            #expect(first.status == .accepted, "9 jobs fit")
            let second = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: [:])
            #expect(second.status == .tooManyRequests, "9 + 3 do not")
            #expect((second.object["limit"] as? [String: Any])?["name"] as? String == "MAX_QUEUED_JOBS_PER_USER")
        }
    }

    @Test func aLargeRunsJobsAreSmallReferencesEnqueuedInFull() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            // A 90k-character template that every job would have copied.
            let template = String(repeating: "Long context. ", count: 6_500) + "Say {{word}}"
            let card = try await api.card(token, template: template)
            let cases = (0..<120).map { index in
                ["vars": ["word": "w\(index)"], "assert": [["type": "contains", "value": "w"]]] as [String: Any]
            }
            let bulk = try await api.send(.post, "/api/v1/cards/\(card)/tests/bulk", token: token, json: ["tests": cases])
            #expect(bulk.status == .created, "\(bulk.text)")
            let run = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token,
                                         json: ["models": ["smollm2", "ollama/llama3.2"], "repeat": 3])
            #expect(run.status == .accepted, "\(run.text)")
            let runID = try #require(run.object["id"] as? String)
            #expect(run.object["total"] as? Int == 720)

            // Every job of this run waits in the queue (its run's group), each a few hundred bytes.
            let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL()))
            let base = api.keys.queue("default")
            let ids = try await redis.send(["LRANGE", "\(base):wait:normal:run:\(runID)", "0", "-1"]).array?.compactMap(\.string) ?? []
            let payloads = try await redis.pipeline(ids.map { ["HGET", "\(base):job:\($0)", "payload"] }).compactMap(\.string)
            await redis.shutdown()
            var jobs = 0
            var largest = 0
            for payload in payloads where payload.contains(runID) {
                jobs += 1
                largest = max(largest, payload.utf8.count)
                #expect(!payload.contains("Long context"), "a job must not copy the template")
            }
            #expect(jobs == 720)
            #expect(largest < 400, "largest payload: \(largest) bytes")
        }
    }
}
