import Foundation
@testable import Queue
import RedisClient
import TestSupport
import Testing

/// Which job a free worker gets: lanes by priority, then fairly across owners and groups,
/// never more of a group at once than its concurrency; cancellation and hand-pushed entries.
@Suite struct QueueSchedulingTests {
    @Test func lanesGoByPriorityAndEachLaneIsFIFO() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue([
                TestQueue.job("low-1", priority: -1), TestQueue.job("normal-1"), TestQueue.job("high-1", priority: 5),
                TestQueue.job("normal-2"), TestQueue.job("high-2", priority: 1), TestQueue.job("low-2", priority: -3),
            ])
            let depth = try await q.queue.depth()
            #expect(depth.waiting == ["high": 2, "normal": 2, "low": 2])
            #expect(try await q.drain() == ["high-1", "high-2", "normal-1", "normal-2", "low-1", "low-2"])
        }
    }

    @Test func aSmallRunOfAnotherOwnerSubmittedLaterIsNotHeldBackByABigOne() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue((0..<200).map { TestQueue.job("big-\($0)", owner: "alice", group: "run:big") })
            // Workers are busy on the big run when the small one arrives.
            let busy = try await q.queue.claim(worker: "w", count: 10, lease: .seconds(30), maxStalls: 2)
            for job in busy { try await q.queue.complete(job) }
            _ = try await q.queue.enqueue((0..<3).map { TestQueue.job("small-\($0)", owner: "bob", group: "run:small") })
            let order = try await q.drain()
            let lastSmall = try #require(order.lastIndex { $0.hasPrefix("small-") })
            #expect(lastSmall <= 5, "bob's 3 jobs alternate with alice's: \(order.prefix(8))")
            #expect(order.filter { $0.hasPrefix("small-") } == ["small-0", "small-1", "small-2"])
        }
    }

    @Test func anOwnersRunsShareItsTurnsFairlyToo() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue((0..<20).map { TestQueue.job("a1-\($0)", owner: "alice", group: "run:a1") })
            _ = try await q.queue.enqueue((0..<20).map { TestQueue.job("a2-\($0)", owner: "alice", group: "run:a2") })
            _ = try await q.queue.enqueue((0..<20).map { TestQueue.job("b-\($0)", owner: "bob", group: "run:b") })
            let first = try await q.drain(limit: 20)
            // Half the turns to each owner; alice's half split between her two runs.
            #expect(first.filter { $0.hasPrefix("b-") }.count == 10, "\(first)")
            #expect(first.filter { $0.hasPrefix("a1-") }.count == 5 && first.filter { $0.hasPrefix("a2-") }.count == 5, "\(first)")
        }
    }

    @Test func aGroupNeverRunsMoreJobsAtOnceThanItsConcurrency() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue((0..<6).map { TestQueue.job("limited-\($0)", owner: "o", group: "run:l", concurrency: 2) })
            _ = try await q.queue.enqueue((0..<2).map { TestQueue.job("free-\($0)", owner: "p", group: "run:f") })
            let batch = try await q.queue.claim(worker: "w", count: 8, lease: .seconds(30), maxStalls: 2)
            #expect(batch.filter { $0.id.hasPrefix("limited-") }.count == 2, "\(batch.map(\.id))")
            #expect(batch.filter { $0.id.hasPrefix("free-") }.count == 2)
            #expect(try await q.queue.claim(worker: "w2", count: 8, lease: .seconds(30), maxStalls: 2).isEmpty,
                    "the limited run waits for a slot, on any worker")
            try await q.queue.complete(try #require(batch.first { $0.id.hasPrefix("limited-") }))
            let next = try await q.queue.claim(worker: "w2", count: 8, lease: .seconds(30), maxStalls: 2)
            #expect(next.map(\.id) == ["limited-2"], "one slot freed, one more runs")
        }
    }

    @Test func cancellingStopsWaitingAndDelayedJobsAndFlagsRunningOnes() async throws {
        try await TestQueue.with { q in
            _ = try await q.queue.enqueue((0..<5).map { TestQueue.job("c-\($0)", owner: "o", group: "run:c") })
            _ = try await q.queue.enqueue(TestQueue.job("c-later", owner: "o", group: "run:c", notBefore: JobEnvelope.nowMillis() + 60_000))
            _ = try await q.queue.enqueue(TestQueue.job("other", owner: "o", group: "run:other"))
            let running = try #require(try await q.queue.claim(worker: "w", lease: .seconds(30), maxStalls: 2).first)
            #expect(running.id == "c-0")
            let outcome = try await q.queue.cancelGroup("run:c", reason: "its run was cancelled")
            #expect(outcome.cancelled == 5 && outcome.cancelling == 1)
            #expect(try await q.queue.job(id: "c-3")?.state == .cancelled)
            #expect(try await q.queue.job(id: "c-later")?.state == .cancelled)
            #expect(try await q.queue.fail(running, error: "aborted", disposition: .retry(afterMilliseconds: 0)) == .cancelled,
                    "a running job told to stop ends cancelled, not retried")
            #expect(try await q.drain() == ["other"])
            #expect(try await q.queue.cancel(jobID: "other") == .alreadyFinal(.completed))
            #expect(try await q.queue.depth().delayed == 0)
        }
    }

    @Test func entriesPushedByHandJoinTheQueueAndMalformedOnesAreDeadLetteredWithTheReason() async throws {
        try await TestQueue.with { q in
            let intake = q.queue.base + ":intake"
            _ = try await q.redis.send(["XADD", intake, "*", "id", "by-hand", "type", "noop", "payload", "{}"])
            _ = try await q.redis.send(["XADD", intake, "*", "id", "no-type", "payload", "{}"])
            _ = try await q.redis.send(["XADD", intake, "*", "id", "huge", "type", "noop",
                                        "payload", String(decoding: [UInt8](repeating: 0x78, count: 10 << 20), as: UTF8.self)])
            #expect(try await q.drain() == ["by-hand"])
            let letters = try await q.queue.deadLetters(after: "0")
            #expect(letters.count == 2)
            #expect(letters.contains { $0.error.contains("missing field \"type\"") })
            #expect(letters.contains { $0.error.contains("max_payload_bytes") })
            #expect(try await q.redis.send(["XLEN", intake]).int == 0)
        }
    }
}
