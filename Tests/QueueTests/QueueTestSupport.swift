import Foundation
@testable import Queue
import RedisClient
import TestSupport

/// A queue on the shared test Redis under a key prefix of its own, with its functions loaded.
struct TestQueue {
    let queue: JobQueue
    let redis: RedisClient
    let keys: RedisKeys

    static func with(_ body: (TestQueue) async throws -> Void) async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL()))
        let keys = RedisKeys(prefix: TestEnvironment.uniquePrefix("q"))
        let queue = JobQueue(redis: redis, keys: keys, retention: .seconds(600))
        do {
            try await queue.prepare()
            try await body(TestQueue(queue: queue, redis: redis, keys: keys))
            await redis.shutdown()
        } catch {
            await redis.shutdown()
            throw error
        }
    }

    static func job(_ id: String, owner: String? = nil, group: String? = nil, concurrency: Int? = nil, priority: Int = 0,
                    attempts: Int = 3, notBefore: Int64? = nil) -> JobEnvelope {
        JobEnvelope(id: id, type: "noop", payload: #"{"n":"\#(id)"}"#, maxAttempts: attempts, notBefore: notBefore,
                    priority: priority, owner: owner, group: group, groupConcurrency: concurrency)
    }

    /// Claims one job at a time until none is left (completing each), returning their ids in order.
    func drain(worker: String = "w", limit: Int = 10_000) async throws -> [String] {
        var order: [String] = []
        while order.count < limit, let job = try await queue.claim(worker: worker, lease: .seconds(30), maxStalls: 2).first {
            order.append(job.id)
            try await queue.complete(job)
        }
        return order
    }

    /// The first job a claim returns, trying every 50 ms for up to 30 s (for jobs that become
    /// due); the time it was claimed comes with it.
    func claimEventually(worker: String = "w") async throws -> (job: ClaimedJob, atMillis: Int64)? {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < .seconds(30) {
            if let job = try await queue.claim(worker: worker, lease: .seconds(30), maxStalls: 2).first {
                return (job, JobEnvelope.nowMillis())
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// The events of the queue's stream, as (event, job id) pairs, oldest first.
    func events() async throws -> [(event: String, job: String, fields: [String: String])] {
        let reply = try await redis.send(["XRANGE", queue.base + ":events", "-", "+"])
        return try StreamEntries.parse(reply).map { ($0.fields["event"] ?? "", $0.fields["job_id"] ?? "", $0.fields) }
    }
}
