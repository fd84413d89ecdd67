import Foundation
import Logging
import RateLimiting
import RedisClient
import TestSupport
import Testing

/// Several rates decided at once on the real test Redis: all or none, with what is left.
@Suite struct RateLimiterTests {
    static let logger = Logger(label: "rate-limiter-tests")

    @Test func aRequestCountsAgainstEveryRateOrNone() async throws {
        try await ConcurrencySlotsTests.withReplicas { first, _, key in
            let limiter = RateLimiter(redis: first, name: "test", timeout: .seconds(30), logger: Self.logger)
            // Slow refills (one unit per 14 min, per 30 min), so a loaded machine's pauses add none.
            let wide = RateLimiter.Check(rate: RateLimit(name: "wide", limit: 100, period: .seconds(86_400)), key: key + ":wide")
            let narrow = RateLimiter.Check(rate: RateLimit(name: "narrow", limit: 2, period: .seconds(3_600)), key: key + ":narrow")
            var remaining: [[Int]] = []
            for _ in 0..<4 {
                guard case .decided(let verdict) = await limiter.decide([wide, narrow]) else {
                    Issue.record("Redis is up: the limiter decides")
                    return
                }
                remaining.append(verdict.states.map(\.remaining))
                if !verdict.admitted {
                    #expect(verdict.tightest?.rate.name == "narrow")
                    #expect(verdict.retryAfter > .seconds(1_700) && verdict.retryAfter <= .seconds(1_800))
                }
            }
            // The wide rate was not charged for the two refused requests.
            #expect(remaining == [[99, 1], [98, 0], [98, 0], [98, 0]], "\(remaining)")
            guard case .decided(let alone) = await limiter.decide([wide]) else { return }
            #expect(alone.admitted && alone.states[0].remaining == 97)
        }
    }

    @Test func aCostTakesThatManyUnitsAtOnce() async throws {
        try await ConcurrencySlotsTests.withReplicas { first, _, key in
            let limiter = RateLimiter(redis: first, name: "test", timeout: .seconds(30), logger: Self.logger)
            // One unit per 86 s: no refill shows within the test, however slow the machine.
            let tokens = RateLimiter.Check(rate: RateLimit(name: "tokens", limit: 1_000, period: .seconds(86_400)), key: key)
            guard case .decided(let first) = await limiter.decide([tokens], cost: 600),
                  case .decided(let second) = await limiter.decide([tokens], cost: 600),
                  case .decided(let third) = await limiter.decide([tokens], cost: 400) else {
                Issue.record("Redis is up: the limiter decides")
                return
            }
            #expect(first.admitted && first.states[0].remaining == 400)
            #expect(!second.admitted, "600 more than the 400 left")
            #expect(third.admitted && third.states[0].remaining == 0)
        }
    }

    @Test func anUnreachableRedisIsUndecidedWithinTheTimeoutAndThenLeftAloneForTheBackoff() async throws {
        try await ClosedPort.with { port in
            let redis = RedisClient(configuration: RedisConfiguration(port: port))
            let check = RateLimiter.Check(rate: RateLimit(name: "any", limit: 1, period: .seconds(60)), key: "pcs:rl:test")
            let open = RateLimiter(redis: redis, name: "test", failureMode: .open, timeout: .seconds(5), logger: Self.logger)
            #expect(await open.decide([check]) == .undecided(admitted: true))
            let started = ContinuousClock.now
            for _ in 0..<100 { #expect(await open.decide([check]) == .undecided(admitted: true)) }
            #expect(ContinuousClock.now - started < .seconds(1), "in the backoff Redis is not asked")
            let closed = RateLimiter(redis: redis, name: "test", failureMode: .closed, timeout: .seconds(5), logger: Self.logger)
            #expect(await closed.decide([check]) == .undecided(admitted: false))
            await redis.shutdown()
        }
    }

    @Test func aRedisThatDoesNotAnswerCostsNoMoreThanTheTimeout() async throws {
        let server = try await RedisServer.start()
        let redis = RedisClient(configuration: RedisConfiguration(port: server.port))
        let admin = RedisClient(configuration: RedisConfiguration(port: server.port))
        let limiter = RateLimiter(redis: redis, name: "test", timeout: .milliseconds(200), logger: Self.logger)
        await limiter.prepare()
        let check = RateLimiter.Check(rate: RateLimit(name: "any", limit: 100, period: .seconds(60)), key: "pcs:rl:pause")
        #expect(await limiter.decide([check]) != .undecided(admitted: true), "decided while Redis answers")
        // Redis holds every command for 20 s: the limiter gives up at its timeout (200 ms), not
        // when Redis answers. (The bound leaves a loaded machine room: 5 s was missed once.)
        _ = try await admin.send(["CLIENT", "PAUSE", "20000", "ALL"])
        let started = ContinuousClock.now
        #expect(await limiter.decide([check]) == .undecided(admitted: true))
        let took = ContinuousClock.now - started
        #expect(took < .seconds(10), "a paused Redis held the request \(took)")
        await redis.shutdown()
        await admin.shutdown()
        await server.stop()
    }

    @Test func headersFollowTheDraft() {
        let rate = RateLimit(name: "read-user", limit: 600, period: .seconds(60), burst: 100)
        #expect(RateLimitHeaders.policy([rate]) == "\"read-user\";q=600;w=60")
        let state = RateLimitState(rate: rate, remaining: 42, retryAfter: .zero, untilFull: .milliseconds(5_800))
        #expect(RateLimitHeaders.current([state]) == "\"read-user\";r=42;t=6")
        #expect(RateLimitHeaders.retryAfter(RateLimitVerdict(admitted: false, states: [
            RateLimitState(rate: rate, remaining: 0, retryAfter: .milliseconds(1_200), untilFull: .seconds(10)),
        ])) == "2")
    }

    @Test(arguments: [("600/1m", 600, 60), ("20/10s", 20, 10), ("5/s", 5, 1), ("10000/1h", 10_000, 3_600)])
    func ratesParse(text: String, limit: Int, seconds: Int) throws {
        let rate = try RateLimit.parse(name: "r", rate: Substring(text), burst: nil)
        #expect(rate.limit == limit && rate.period == .seconds(seconds) && rate.burst == limit)
    }

    @Test(arguments: ["600", "0/1m", "x/1m", "10/1w", "10/0m", "10/-1m"])
    func badRatesSayWhy(text: String) {
        #expect(throws: RateLimitSyntaxError.self) { try RateLimit.parse(name: "r", rate: Substring(text), burst: nil) }
    }
}
