import EventRelay
import Events
import Foundation
import Logging
import PostgresNIO
import EventStreams
import RedisClient
import Storage
import TestSupport
import Testing

/// The relay on a real migrated Postgres and the suite's Redis (own key prefix per test).
@Suite struct OutboxRelayTests {
    static let logger: Logger = {
        var logger = Logger(label: "outbox-relay-test")
        logger.logLevel = .error
        return logger
    }()

    @Test func twoRelaysOnOneOutboxPublishEveryEventOnceInOrderPerChannel() async throws {
        try await withOutbox { database, bus, redis in
            let channels = (0..<4).map { _ in EventChannel.run(UUID()) }
            try await insert(300, on: channels, into: database)
            let relays = (0..<2).map { _ in
                OutboxRelay(store: OutboxStore(client: database, logger: Self.logger), bus: bus, logger: Self.logger,
                            pollInterval: .milliseconds(50), batchSize: 40)
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for relay in relays { group.addTask { try await relay.run() } }
                // More events commit while both relays work.
                try await insert(200, on: channels, into: database, from: 300)
                for relay in relays { relay.announce() }
                try await waitUntilEmpty(database)
                group.cancelAll()
            }
            for channel in channels {
                let numbers = try await bus.history(channel: channel, after: "0", limit: 10_000).map { $0.data["n"]?.intValue }
                #expect(numbers == (0..<500).map { Optional($0) }, "every event of \(channel) once, in commit order")
            }
        }
    }

    @Test func aRelayThatDiedAfterPublishingPartOfABatchResumesWithoutAGapOrARepeat() async throws {
        try await withOutbox { database, bus, redis in
            let channel = EventChannel.run(UUID())
            try await insert(50, on: [channel], into: database)
            // The dead relay published the first 20 events, then died before deleting them.
            let store = OutboxStore(client: database, logger: Self.logger)
            struct Died: Error {}
            await #expect(throws: (any Error).self) {
                _ = try await store.relayBatch(limit: 20) { events in
                    try await bus.publish(events)
                    throw Died()
                }
            }
            #expect(try await store.backlog().count == 50, "nothing was marked sent")
            #expect(try await bus.history(channel: channel, after: "0").count == 20)

            let relay = OutboxRelay(store: store, bus: bus, logger: Self.logger, pollInterval: .milliseconds(50))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relay.run() }
                try await waitUntilEmpty(database)
                group.cancelAll()
            }
            let numbers = try await bus.history(channel: channel, after: "0").map { $0.data["n"]?.intValue }
            #expect(numbers == (0..<50).map { Optional($0) })
        }
    }

    @Test func aFailedPublishKeepsTheEventsForTheNextTry() async throws {
        try await withOutbox { database, bus, redis in
            let channel = EventChannel.card(UUID())
            try await insert(3, on: [channel], into: database)
            let store = OutboxStore(client: database, logger: Self.logger)
            struct RedisDown: Error {}
            await #expect(throws: (any Error).self) {
                _ = try await store.relayBatch(limit: 10) { _ in throw RedisDown() }
            }
            #expect(try await store.backlog().count == 3)
            #expect(try await store.relayBatch(limit: 10) { _ = try await bus.publish($0) } == .relayed(3))
            #expect(try await store.backlog().count == 0)
            #expect(try await store.relayBatch(limit: 10) { _ = try await bus.publish($0) } == .relayed(0))
            #expect(try await bus.history(channel: channel, after: "0").count == 3)
        }
    }

    @Test func anEventKeepsTheTraceContextItWasWrittenIn() async throws {
        try await withOutbox { database, bus, redis in
            let channel = EventChannel.run(UUID())
            let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            try await database.query("""
                INSERT INTO event_outbox (channel, type, data, traceparent)
                VALUES (\(channel), 'run.started', '{}'::jsonb, \(traceparent)), (\(channel), 'run.progress', '{}'::jsonb, NULL)
                """, logger: Self.logger)
            let store = OutboxStore(client: database, logger: Self.logger)
            #expect(try await store.relayBatch(limit: 10) { _ = try await bus.publish($0) } == .relayed(2))
            let events = try await bus.history(channel: channel, after: "0")
            #expect(events.map(\.traceparent) == [traceparent, nil], "an untraced event has none, not an empty one")
        }
    }

    // MARK: - Helpers

    private func withOutbox(_ body: @Sendable (PostgresClient, EventBus, RedisClient) async throws -> Void) async throws {
        try await TestDatabase.with { database, _ in
            try await Migrator(client: database, logger: Self.logger).migrate()
            let redis = RedisClient(configuration: try RedisConfiguration(url: try TestEnvironment.redisURL()))
            let bus = EventBus(redis: redis, keys: RedisKeys(prefix: TestEnvironment.uniquePrefix("relay")), historyLength: 10_000)
            do {
                try await body(database, bus, redis)
                await redis.shutdown()
            } catch {
                await redis.shutdown()
                throw error
            }
        }
    }

    /// `count` events on each channel, numbered from `start`, as writers' transactions do
    /// (one transaction per number, the channels interleaved).
    private func insert(_ count: Int, on channels: [String], into database: PostgresClient, from start: Int = 0) async throws {
        for number in start..<(start + count) {
            try await database.query("""
                INSERT INTO event_outbox (channel, type, data)
                SELECT channel, 'run.progress', jsonb_build_object('n', \(number)) FROM unnest(\(channels)::text[]) AS channel
                """, logger: Self.logger)
        }
    }

    private func waitUntilEmpty(_ database: PostgresClient) async throws {
        let store = OutboxStore(client: database, logger: Self.logger)
        let started = ContinuousClock.now
        while try await store.backlog().count > 0 {
            guard ContinuousClock.now - started < .seconds(120) else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
