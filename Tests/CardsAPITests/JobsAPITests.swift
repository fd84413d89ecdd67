import Foundation
import Queue
import RedisClient
import TestSupport
import Testing

/// A producer follows, cancels and retries its own jobs over the API; nobody else sees them.
@Suite struct JobsAPITests {
    @Test func anOwnerReadsCancelsAndRetriesItsJobAndOthersGet404() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let owner = try #require(try await api.send(.get, "/api/v1/auth/me", token: token).object["id"] as? String)
            let (stranger, _) = try await api.account()
            let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL()))
            let queue = JobQueue(redis: redis, keys: api.keys)
            do {
                let id = "job-\(UUID().uuidString.prefix(8))"
                _ = try await queue.enqueue(JobEnvelope(id: id, type: "test-case.execute", payload: "{}", owner: owner.lowercased()))

                let read = try await api.send(.get, "/api/v1/jobs/\(id)", token: token)
                #expect(read.status == .ok, "\(read.text)")
                #expect(read.object["state"] as? String == "waiting" && read.object["owner"] as? String == owner.lowercased())
                #expect(try await api.send(.get, "/api/v1/jobs/\(id)", token: stranger).status == .notFound)
                #expect(try await api.send(.post, "/api/v1/jobs/\(id)/cancel", token: stranger).status == .notFound)
                #expect(try await api.send(.get, "/api/v1/jobs/no-such-job", token: token).status == .notFound)

                let queues = try await api.send(.get, "/api/v1/queues/default", token: token)
                #expect(queues.status == .ok && (queues.object["waiting"] as? [String: Any])?["normal"] as? Int == 1, "\(queues.text)")
                let oldest = (queues.object["oldest_waiting_seconds"] as? [String: Any])?["normal"] as? Double
                #expect(oldest.map { $0 >= 0 && $0 < 600 } == true, "\(queues.text)")
                #expect((queues.object["throughput"] as? [String: Any])?["completed_per_second"] is Double, "\(queues.text)")

                let cancelled = try await api.send(.post, "/api/v1/jobs/\(id)/cancel", token: token)
                #expect(cancelled.status == .ok && cancelled.object["state"] as? String == "cancelled", "\(cancelled.text)")
                let again = try await api.send(.post, "/api/v1/jobs/\(id)/cancel", token: token)
                #expect(again.status == .conflict, "\(again.text)")

                let retried = try await api.send(.post, "/api/v1/jobs/\(id)/retry", token: token)
                #expect(retried.status == .accepted && retried.object["state"] as? String == "waiting", "\(retried.text)")
                #expect(try await api.send(.post, "/api/v1/jobs/\(id)/retry", token: token).status == .conflict,
                        "a waiting job cannot be retried")
                await redis.shutdown()
            } catch {
                await redis.shutdown()
                throw error
            }
        }
    }

    @Test func aRunsJobIsCancelledWithItsRunNotAlone() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            _ = try await api.testCase(token, card: card)
            let run = try await api.send(.post, "/api/v1/cards/\(card)/runs", token: token, json: ["models": ["smollm2"]])
            let runID = try #require(run.object["id"] as? String, "\(run.text)")
            let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL()))
            let ids = try await redis.send(["LRANGE", "\(api.keys.queue("default")):wait:normal:run:\(runID)", "0", "-1"])
                .array?.compactMap(\.string) ?? []
            await redis.shutdown()
            let jobID = try #require(ids.first, "the run's job waits in the queue")
            let refused = try await api.send(.post, "/api/v1/jobs/\(jobID)/cancel", token: token)
            #expect(refused.status == .conflict && refused.text.contains("cancel the run"), "\(refused.text)")
            #expect(try await api.send(.get, "/api/v1/jobs/\(jobID)", token: token).object["group"] as? String == "run:\(runID)")
        }
    }
}
