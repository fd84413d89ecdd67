import Foundation
import RateLimiting
import RedisClient
import TestSupport
import Testing

/// The shared limits on the real test Redis, each used from two clients as two replicas
/// would: exact together, not per replica.
@Suite struct ConcurrencySlotsTests {
    @Test func noMoreHoldersThanTheLimitAcrossReplicasAndAReleasedSlotIsFreeAgain() async throws {
        try await Self.withReplicas { first, second, key in
            let a = ConcurrencySlots(redis: first, key: key, limit: 2, lease: .seconds(60))
            let b = ConcurrencySlots(redis: second, key: key, limit: 2, lease: .seconds(60))
            let taken = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    let slots = index.isMultiple(of: 2) ? a : b
                    group.addTask { try await slots.tryAcquire(holder: "h\(index)") }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(taken == 2, "2 of 6 got a slot")
            #expect(try await a.holders() == 2)
            #expect(try await b.tryAcquire(holder: "late") == false)
            let holders = try await first.send(["ZRANGE", key, "0", "-1"]).array?.compactMap(\.string) ?? []
            try await a.release(holder: try #require(holders.first))
            #expect(try await b.tryAcquire(holder: "late"), "a released slot is free again")
            #expect(try await b.tryAcquire(holder: "late"), "a holder asking again keeps its slot")
        }
    }

    @Test func aSlotWhoseHolderVanishedIsFreeWhenItsLeaseRunsOut() async throws {
        try await Self.withReplicas { first, second, key in
            // Long enough that even a loaded machine asks again before it runs out (3 s was
            // not: the second client's first connection came later than that), and both
            // clients connect before the lease starts.
            _ = try await first.send(["PING"])
            _ = try await second.send(["PING"])
            let crashed = ConcurrencySlots(redis: first, key: key, limit: 1, lease: .seconds(10))
            let other = ConcurrencySlots(redis: second, key: key, limit: 1, lease: .seconds(10))
            #expect(try await crashed.tryAcquire(holder: "dies-holding-it"))
            #expect(try await other.tryAcquire(holder: "waits") == false)
            try await Task.sleep(for: .seconds(11))
            #expect(try await other.tryAcquire(holder: "waits"), "the lease ran out")
        }
    }

    static func withReplicas(_ body: (RedisClient, RedisClient, String) async throws -> Void) async throws {
        let configuration = try RedisConfiguration(url: try TestEnvironment.redisURL())
        let (first, second) = (RedisClient(configuration: configuration), RedisClient(configuration: configuration))
        let key = TestEnvironment.uniquePrefix("limits") + ":slots"
        do {
            try await body(first, second, key)
        } catch {
            await first.shutdown()
            await second.shutdown()
            throw error
        }
        _ = try? await first.send(["DEL", key])
        await first.shutdown()
        await second.shutdown()
    }
}

@Suite struct RequestRateTests {
    @Test func aBucketOfTheLimitIsSharedByReplicasAndTheNextRequestWaitsItsShare() async throws {
        try await ConcurrencySlotsTests.withReplicas { first, second, key in
            let a = RequestRate(redis: first, key: key, limit: 5, period: .seconds(60))
            let b = RequestRate(redis: second, key: key, limit: 5, period: .seconds(60))
            var allowed = 0
            var waits: [Duration] = []
            for index in 0..<8 {
                switch try await (index.isMultiple(of: 2) ? a : b).take() {
                case .allowed: allowed += 1
                case .wait(let pause): waits.append(pause)
                }
            }
            #expect(allowed == 5, "the bucket holds 5, whichever replica asks")
            // One request's share of the minute is 12 s, less the time since the bucket emptied.
            #expect(waits.count == 3 && waits.allSatisfy { $0 > .zero && $0 <= .seconds(12) }, "\(waits)")
        }
    }

    @Test func withABurstOfOneRequestsAreSpacedEvenly() async throws {
        try await ConcurrencySlotsTests.withReplicas { first, _, key in
            // One every 10 s: however loaded the machine, the second request comes sooner.
            let rate = RequestRate(redis: first, key: key, limit: 6, period: .seconds(60), burst: 1)
            #expect(try await rate.take() == .allowed)
            guard case .wait(let pause) = try await rate.take() else {
                Issue.record("a second request at once was allowed")
                return
            }
            #expect(pause > .zero && pause <= .seconds(10), "\(pause)")
            // And once its share of the period has passed, the next one goes.
            // (On a loaded machine a second may pass between two calls, and the second goes too:
            // ask until one has to wait.)
            let quick = RequestRate(redis: first, key: key + ":quick", limit: 60, period: .seconds(60), burst: 1)
            var wait: Duration?
            for _ in 0..<20 where wait == nil {
                if case .wait(let pause) = try await quick.take() { wait = pause }
            }
            try await Task.sleep(for: try #require(wait) + .milliseconds(5))
            #expect(try await quick.take() == .allowed)
        }
    }
}
