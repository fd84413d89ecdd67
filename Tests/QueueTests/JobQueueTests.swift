import Foundation
@testable import Queue
import RedisClient
import TestSupport
import Testing

/// A job's life through the queue's Redis functions, on the real test Redis.
@Suite struct JobQueueTests {
    @Test func aJobIsDeliveredOnceCompletedWithItsResultAndAnnounced() async throws {
        try await TestQueue.with { q in
            guard case .added(let eventID) = try await q.queue.enqueue(TestQueue.job("a")) else {
                Issue.record("not added"); return
            }
            #expect(!eventID.isEmpty)
            let job = try #require(try await q.queue.claim(worker: "w1", lease: .seconds(30), maxStalls: 2).first)
            #expect(job.id == "a" && (try? job.envelope.get().payload) == #"{"n":"a"}"#)
            #expect(try await q.queue.claim(worker: "w2", lease: .seconds(30), maxStalls: 2).isEmpty, "delivered once")
            #expect(try await q.queue.job(id: "a")?.state == .active)
            #expect(try await q.queue.complete(job, result: #"{"ok":true}"#))
            let record = try #require(try await q.queue.job(id: "a"))
            #expect(record.state == .completed && record.result == #"{"ok":true}"#)
            let events = try await q.events()
            #expect(events.map(\.event) == ["added", "active", "completed"])
            #expect(events.last?.fields["result"] == #"{"ok":true}"#)
            #expect(try await q.queue.depth() == QueueDepth(waiting: ["high": 0, "normal": 0, "low": 0], delayed: 0, active: 0, dead: 0))
        }
    }

    @Test func completionsMadeAtOnceEachGetTheirOwnOutcomeAndNextJob() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue((0..<20).map { TestQueue.job("c\($0)") })
            let held = try await q.queue.claim(worker: "w", count: 8, lease: .seconds(30), maxStalls: 2)
            #expect(held.count == 8)
            let stale = ClaimedJob(id: held[0].id, token: "w/0/1.0", envelope: held[0].envelope)
            let request = JobQueue.ClaimRequest(worker: "w", lease: .seconds(30), maxStalls: 2)
            // Nine completions at once (one with a token that never held its job): the batcher
            // sends them in as few calls as it can, and each caller gets its own answer.
            let outcomes = try await withThrowingTaskGroup(of: (String, Bool, [ClaimedJob]).self) { group in
                for job in held + [stale] {
                    group.addTask {
                        let outcome = try await q.queue.complete(job, result: #"{"id":"\#(job.id)"}"#, thenClaim: request)
                        return (job.token, outcome.completed, outcome.next)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0.1 }.count == 8 && outcomes.first { $0.0 == stale.token }?.1 == false)
            let next = outcomes.flatMap(\.2)
            #expect(next.count == 9 && Set(next.map(\.id)).count == 9, "one next job per caller, none twice")
            #expect(Set(next.map(\.id)).isDisjoint(with: held.map(\.id)))
            for job in held { #expect(try await q.queue.job(id: job.id)?.result == #"{"id":"\#(job.id)"}"#) }
            for job in next { #expect(try await q.queue.complete(job)) }
            #expect(try await q.drain().count == 3)
            let stats = try await q.redis.send(["HGET", q.queue.base + ":stats", "completed"])
            #expect(stats.int == 20)
        }
    }

    @Test func theOneJobCompletionFunctionStillCompletesAndClaims() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue([TestQueue.job("p1"), TestQueue.job("p2")])
            let job = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            let reply = try await q.queue.call([["pcsq_complete", "1", q.queue.base, String(JobEnvelope.nowMillis()), job.id,
                                                 job.token, "42", "600", "w", "1", "30000", "2"]])[0]
            let items = try #require(reply.array)
            #expect(items.first?.string == "ok")
            #expect(try JobQueue.claimed(items.dropFirst()).map(\.id) == ["p2"])
            #expect(try await q.queue.job(id: job.id)?.result == "42")
        }
    }

    @Test func enqueueingAKnownIDIsANoOpThatSaysDuplicate() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("d"))
            #expect(try await q.queue.enqueue(TestQueue.job("d")) == .duplicate(.waiting))
            let job = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            try await q.queue.complete(job)
            #expect(try await q.queue.enqueue(TestQueue.job("d")) == .duplicate(.completed), "still known after it ended")
            #expect(try await q.drain().isEmpty, "run once")
        }
    }

    @Test func aRefusedJobSaysWhy() async throws {
        try await TestQueue.with { q in
            let big = JobEnvelope(id: "big", type: "noop", payload: String(repeating: "x", count: (1 << 20) + 1))
            await #expect(throws: QueueError.self) { try await q.queue.enqueue(big) }
            do {
                _ = try await q.queue.enqueue(big)
            } catch QueueError.refused(let reason) {
                #expect(reason.contains("max_payload_bytes"), "\(reason)")
            }
            #expect(try await q.queue.job(id: "big") == nil)
        }
    }

    @Test func aJobWhoseLeaseRanOutGoesToAnotherWorkerAndTheFirstIsFencedOut() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("s"))
            let first = try #require(try await q.queue.claim(worker: "dead", lease: .milliseconds(50), maxStalls: 2).first)
            try await Task.sleep(for: .milliseconds(120))
            let second = try #require(try await q.queue.claim(worker: "alive", lease: .seconds(30), maxStalls: 2).first)
            #expect(second.id == "s" && second.stalls == 1 && second.token != first.token)
            #expect(try await q.queue.complete(first) == false, "the stalled worker cannot complete it")
            #expect(try await q.queue.extendLeases([first], lease: .seconds(30)) == ["s"])
            #expect(try await q.queue.complete(second))
            #expect(try await q.events().map(\.event) == ["added", "active", "stalled", "active", "completed"])
        }
    }

    @Test func aHeartbeatKeepsTheLease() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("h"))
            // Held for more than twice its lease, heartbeating well inside it. (A 3 s lease ran
            // out once between two heartbeats on a machine at load average 10.)
            let job = try #require(try await q.queue.claim(worker: "w", lease: .seconds(8), maxStalls: 2).first)
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(17) {
                try await Task.sleep(for: .milliseconds(200))
                #expect(try await q.queue.extendLeases([job], lease: .seconds(8)).isEmpty)
            }
            #expect(try await q.queue.claim(worker: "other", lease: .seconds(30), maxStalls: 2).isEmpty)
            #expect(try await q.queue.complete(job))
        }
    }

    @Test func aJobThatKeepsStallingIsDeadLetteredWithTheReason() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("p"))
            for _ in 0..<3 {
                _ = try #require(try await q.queue.claim(worker: "dies", lease: .milliseconds(20), maxStalls: 2).first)
                try await Task.sleep(for: .milliseconds(60))
            }
            #expect(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).isEmpty)
            let record = try #require(try await q.queue.job(id: "p"))
            #expect(record.state == .dead && record.stalls == 3)
            let letter = try #require(try await q.queue.deadLetters(after: "0").first)
            #expect(letter.envelope?.id == "p" && letter.error.contains("MAX_STALLS 2"), "\(letter.error)")
        }
    }

    @Test func failedAttemptsRetryAfterTheirBackoffThenDeadLetterWithTheirHistory() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("r", attempts: 2))
            let first = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            let failedAt = JobEnvelope.nowMillis()
            #expect(try await q.queue.fail(first, error: "boom 1", disposition: .retry(afterMilliseconds: 500)) == .failed)
            #expect(try await q.queue.depth().delayed == 1, "waiting for its retry")
            let (second, claimedAt) = try #require(try await q.claimEventually())
            #expect(claimedAt >= failedAt + 500, "not before its backoff")
            #expect((try? second.envelope.get().attempt) == 2)
            #expect(try await q.queue.fail(second, error: "boom 2", disposition: .retry(afterMilliseconds: 0)) == .dead,
                    "its last attempt")
            let record = try #require(try await q.queue.job(id: "r"))
            #expect(record.state == .dead && record.errors.map(\.error) == ["boom 1", "boom 2"])
            #expect(try await q.events().map(\.event) == ["added", "active", "failed", "retrying", "active", "failed", "dead"])
            #expect(try await q.queue.depth().dead == 1)

            #expect(try await q.queue.retry(jobID: "r") == .requeued)
            #expect(try await q.queue.retry(jobID: "r") == .notRetryable(.waiting))
            let again = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            #expect((try? again.envelope.get().attempt) == 1, "a retried dead job starts over")
        }
    }

    @Test func anUnrecoverableErrorSkipsTheRemainingAttempts() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue(TestQueue.job("u", attempts: 5))
            let job = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            #expect(try await q.queue.fail(job, error: "400 bad request", disposition: .dead) == .dead)
            #expect(try await q.queue.job(id: "u")?.errors.count == 1)
        }
    }

    @Test func aDelayedJobWaitsUntilItIsDue() async throws {
        try await TestQueue.with { q in
            let enqueuedAt = JobEnvelope.nowMillis()
            guard case .delayed = try await q.queue.enqueue(TestQueue.job("later", notBefore: enqueuedAt + 600)) else {
                Issue.record("not delayed"); return
            }
            _ = try await q.queue.enqueue(TestQueue.job("much-later", notBefore: enqueuedAt + 3_600_000))
            #expect(try await q.queue.depth().delayed == 2)
            let (job, claimedAt) = try #require(try await q.claimEventually())
            #expect(job.id == "later" && claimedAt >= enqueuedAt + 600)
            #expect(try await q.queue.job(id: "much-later")?.state == .delayed)
        }
    }

    @Test func functionsFlushedFromRedisAreLoadedAgain() async throws {
        try await TestQueue.with { q in
            _ = try await q.redis.send(["FUNCTION", "DELETE", "pcs_queue"])
            _ = try await q.queue.enqueue(TestQueue.job("after-flush"))
            #expect(try await q.drain() == ["after-flush"])
        }
    }

    @Test(arguments: [1, 2, 5, 30])
    func exponentialBackoffGrowsWithJitterUpToTheCap(attempt: Int) {
        let backoff = Backoff(kind: .exponential, delayMilliseconds: 1000, jitter: 0.5)
        let delays = (0..<50).map { _ in backoff.delay(afterAttempt: attempt) }
        let nominal = min(Int64(1000) << Int64(attempt - 1), Backoff.capMilliseconds)
        #expect(delays.allSatisfy { $0 >= nominal / 2 && $0 <= nominal }, "\(delays)")
        #expect(Set(delays).count > 1, "jittered")
    }

    @Test func fixedBackoffWithoutJitterWaitsTheSameEachTime() {
        let backoff = Backoff(kind: .fixed, delayMilliseconds: 250, jitter: 0)
        #expect((1...5).map { backoff.delay(afterAttempt: $0) } == [250, 250, 250, 250, 250])
    }

    @Test func statsTellHowLongTheOldestRunnableJobWaitedAndHowManyEndedPerMinute() async throws {
        try await TestQueue.with { q in
            let now = JobEnvelope.nowMillis()
            var old = TestQueue.job("old")
            old.enqueuedAt = now - 7_000
            var urgent = TestQueue.job("urgent", priority: 1)
            urgent.enqueuedAt = now - 2_000
            _ = try await q.queue.enqueue([old, urgent, TestQueue.job("new")])
            let waiting = try await q.queue.stats(now: now)
            #expect(waiting.oldestWaiting["normal"] == .milliseconds(7_000), "\(waiting)")
            #expect(waiting.oldestWaiting["high"] == .milliseconds(2_000) && waiting.oldestWaiting["low"] == nil, "\(waiting)")

            for _ in 0..<3 {
                let job = try #require(try await q.claimEventually()?.job)
                try await q.queue.complete(job)
            }
            let later = JobEnvelope.nowMillis() + 60_000
            let ended = try await q.queue.stats(now: later)
            #expect(ended.oldestWaiting.isEmpty, "nothing waits: \(ended)")
            #expect(ended.lastFiveMinutes == ["completed": 3] && ended.completedPerSecond == 0.01, "\(ended)")
            #expect(try await q.queue.stats(now: later + 20 * 60_000).lastFiveMinutes.isEmpty, "old minutes are forgotten")
            #expect(try await q.queue.stats(now: later).lastFiveMinutes.isEmpty, "and pruned, not just skipped")
        }
    }
}
