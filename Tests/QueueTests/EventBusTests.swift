import Events
import Foundation
import PromptCards
import EventStreams
import RedisClient
import TestSupport
import Testing

@Suite struct EventBusTests {
    @Test func eventsAreKeptInOrderAndResumableFromAnyID() async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL()))
        defer { Task { await redis.shutdown() } }
        let bus = EventBus(redis: redis, keys: RedisKeys(prefix: TestEnvironment.uniquePrefix("e")), historyLength: 100)
        let channel = EventChannel.run(UUID())
        var published: [EventEnvelope] = []
        for index in 0..<5 {
            published.append(try await bus.publish(channel: channel, type: "tick", data: .object(["n": .number(Double(index))])))
        }
        #expect(try await bus.history(channel: channel, after: "0") == published)
        #expect(try await bus.history(channel: channel, after: published[1].id) == Array(published[2...]))
        #expect(try await bus.history(channel: channel, after: published[4].id).isEmpty)
        #expect(try await bus.lastID(channel: channel) == published[4].id)
        #expect(zip(published, published.dropFirst()).allSatisfy { streamID($1.id, isAfter: $0.id) })
    }

    @Test func historyIsBoundedPerChannel() async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: TestEnvironment.redisURL()))
        defer { Task { await redis.shutdown() } }
        let keys = RedisKeys(prefix: TestEnvironment.uniquePrefix("e"))
        let bus = EventBus(redis: redis, keys: keys, historyLength: 10)
        for _ in 0..<500 { try await bus.publish(channel: "health", type: "t", data: .null) }
        let length = try await redis.send(["XLEN", keys.eventHistory("health")]).int ?? 0
        #expect(length < 500 && length >= 10)
    }

    @Test(arguments: [
        ("run:6F1C2E5A-0000-4000-8000-000000000001", "run:6f1c2e5a-0000-4000-8000-000000000001"),
        ("health", "health"), ("run:not-a-uuid", nil), ("pcs:queue:default:jobs", nil), ("", nil),
    ] as [(String, String?)])
    func channelNamesAreValidated(raw: String, expected: String?) {
        #expect(EventChannel.parse(raw) == expected)
    }
}
