import Foundation
import PromptCards
@testable import Queue
import RedisClient
import TestSupport
import Testing

/// The job protocol against the shared test Redis, each test under its own key prefix.
@Suite struct JobQueueTests {
    func makeQueue(backoff: Duration = .milliseconds(50)) throws -> (JobQueue, RedisClient, RedisKeys) {
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL()))
        let keys = RedisKeys(prefix: TestEnvironment.uniquePrefix("q"))
        return (JobQueue(redis: redis, keys: keys, backoffBase: backoff, backoffCap: backoff * 4), redis, keys)
    }

    @Test func aJobIsDeliveredOnceAndGoneAfterAck() async throws {
        let (queue, redis, _) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        try await queue.ensureGroup()  // idempotent
        let job = JobEnvelope(type: "test", payload: #"{"n":1}"#)
        try await queue.enqueue(job)
        let claimed = try await queue.claim(consumer: "a", block: .milliseconds(500))
        #expect(claimed.count == 1)
        #expect(try claimed[0].envelope.get() == job)
        #expect(try await queue.claim(consumer: "b", block: .milliseconds(100)).isEmpty, "no second delivery while pending")
        try await queue.complete(claimed[0])
        let depth = try await queue.depth()
        #expect(depth.ready == 0 && depth.pending == 0)
    }

    @Test func aJobWhoseConsumerDiedIsRedeliveredToAnother() async throws {
        let (queue, redis, _) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        try await queue.enqueue(JobEnvelope(id: "orphan", type: "test", payload: "{}"))
        let taken = try await queue.claim(consumer: "doomed", block: .milliseconds(500))
        #expect(taken.count == 1)
        // "doomed" never acknowledges. Too early to reclaim:
        #expect(try await queue.reclaimStalled(consumer: "rescuer", minIdle: .seconds(30)).isEmpty)
        try await Task.sleep(for: .milliseconds(150))
        let reclaimed = try await queue.reclaimStalled(consumer: "rescuer", minIdle: .milliseconds(100))
        #expect(reclaimed.map(\.streamID) == taken.map(\.streamID))
        #expect(try reclaimed[0].envelope.get().id == "orphan")
        try await queue.complete(reclaimed[0])
        #expect(try await queue.depth().pending == 0)
    }

    @Test func eachReclaimCountsOneMoreStallAndHeartbeatsCountNone() async throws {
        let (queue, redis, keys) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        try await queue.enqueue(JobEnvelope(id: "poison", type: "test", payload: "{}"))
        var job = try #require(try await queue.claim(consumer: "w0", block: .milliseconds(500)).first)
        #expect(job.deliveries == 1 && job.stalls == 0)
        try await queue.extendLease(job, consumer: "w0")
        // Every worker that takes it over dies too: each takeover is one more stall.
        for stall in 1...3 {
            try await Task.sleep(for: .milliseconds(60))
            let reclaimed = try await queue.reclaimStalled(consumer: "w\(stall)", minIdle: .milliseconds(50))
            job = try #require(reclaimed.first, "stall \(stall)")
            #expect(reclaimed.count == 1)
            #expect(job.stalls == stall, "the heartbeat above did not count as a delivery")
            #expect(try job.envelope.get().id == "poison")
        }
        // Two rescuers at once: only one wins the job. The job is made to look idle for 10
        // minutes (XCLAIM … IDLE, no delivery counted); the loser's XCLAIM would have to come 5
        // minutes after the winner's to find it stalled again. (With a 3 s margin, a loaded
        // machine once let both win.)
        _ = try await redis.send(["XCLAIM", keys.jobStream("default"), keys.consumerGroup, "w3", "0",
                                  job.streamID, "IDLE", "600000", "JUSTID"])
        async let first = queue.reclaimStalled(consumer: "r1", minIdle: .seconds(300))
        async let second = queue.reclaimStalled(consumer: "r2", minIdle: .seconds(300))
        let (a, b) = try await (first, second)
        #expect(a.count + b.count == 1)
        #expect((a + b).first?.stalls == 4, "a takeover counts, a pretended idle time does not")
    }

    @Test func aHeartbeatKeepsAJobFromBeingReclaimed() async throws {
        let (queue, redis, _) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        try await queue.enqueue(JobEnvelope(type: "test", payload: "{}"))
        let job = try #require(try await queue.claim(consumer: "busy", block: .milliseconds(500)).first)
        try await Task.sleep(for: .milliseconds(7000))
        try await queue.extendLease(job, consumer: "busy")
        // Idle 7 s without the heartbeat; with it, far less than 6 s (2.4 s between two Redis
        // calls was seen on a loaded machine, so the margin is wide).
        #expect(try await queue.reclaimStalled(consumer: "thief", minIdle: .seconds(6)).isEmpty)
        try await Task.sleep(for: .milliseconds(7000))
        #expect(try await queue.reclaimStalled(consumer: "thief", minIdle: .seconds(6)).count == 1,
                "without heartbeats it is reclaimed")
    }

    @Test func failedJobsRetryWithBackoffThenDeadLetter() async throws {
        let (queue, redis, keys) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        try await queue.enqueue(JobEnvelope(id: "flaky", type: "test", payload: "{}", maxAttempts: 2))
        let first = try #require(try await queue.claim(consumer: "w", block: .milliseconds(500)).first)
        guard case .retryScheduled(let attempt, _) = try await queue.fail(first, error: "boom") else {
            Issue.record("expected a retry")
            return
        }
        #expect(attempt == 2)
        #expect(try await queue.depth().delayed == 1)
        #expect(try await queue.claim(consumer: "w", block: .milliseconds(10)).isEmpty, "not due yet")
        try await Task.sleep(for: .milliseconds(250))
        #expect(try await queue.promoteDueJobs() == 1)
        let second = try #require(try await queue.claim(consumer: "w", block: .milliseconds(500)).first)
        #expect(try second.envelope.get().attempt == 2)
        #expect(try await queue.fail(second, error: "boom again") == .deadLettered)
        let dead = try await redis.send(["XRANGE", keys.deadLetters("default"), "-", "+"])
        let entry = try #require(dead.array?.first?.array)
        let fields = entry[1].array?.compactMap(\.string) ?? []
        #expect(fields.contains("flaky") && fields.contains("boom again"))
        let depth = try await queue.depth()
        #expect(depth.ready == 0 && depth.pending == 0 && depth.delayed == 0 && depth.dead == 1)
    }

    @Test func aMalformedEntryIsReportedNotCrashedOn() async throws {
        let (queue, redis, keys) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        // A producer in another language forgot the payload.
        _ = try await redis.send(["XADD", keys.jobStream("default"), "*", "type", "x"])
        let job = try #require(try await queue.claim(consumer: "w", block: .milliseconds(500)).first)
        #expect(throws: QueueError.malformedJob("missing field \"payload\"")) { try job.envelope.get() }
    }

    @Test func aJobFromPlainRedisCommandsIsUnderstood() async throws {
        let (queue, redis, keys) = try makeQueue()
        defer { Task { await redis.shutdown() } }
        try await queue.ensureGroup()
        _ = try await redis.send(["XADD", keys.jobStream("default"), "*", "id", "ext-1", "type", "test-case.execute",
                                  "payload", "{}", "max_attempts", "5"])
        let job = try #require(try await queue.claim(consumer: "w", block: .milliseconds(500)).first)
        let envelope = try job.envelope.get()
        #expect(envelope.id == "ext-1" && envelope.maxAttempts == 5 && envelope.attempt == 1)
    }

    @Test(arguments: [1, 2, 5, 30])
    func backoffGrowsExponentiallyWithJitterAndACap(attempt: Int) throws {
        let (queue, _, _) = try makeQueue(backoff: .seconds(1))
        let delays = (0..<50).map { _ in queue.backoff(afterAttempt: attempt).milliseconds }
        let nominal = min(1000 * (1 << min(attempt - 1, 20)), 4000)
        #expect(delays.allSatisfy { $0 >= Int64(nominal / 2) && $0 <= Int64(nominal) })
        #expect(Set(delays).count > 1, "jittered")
    }
}
