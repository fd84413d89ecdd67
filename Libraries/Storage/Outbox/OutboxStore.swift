import Events
import Foundation
import JSONCore
import Logging
import PostgresNIO

/// The relay's side of the outbox: takes the oldest unsent events, hands them to a
/// publisher, and deletes them once it returns — all in one transaction that holds an
/// advisory lock, so that of several relays (one per replica) exactly one works at a time
/// and the others return at once instead of queueing behind it.
public struct OutboxStore: Sendable {
    public enum BatchOutcome: Sendable, Equatable {
        /// Another relay holds the lock; it will publish what is there.
        case busy
        /// This many events were published and removed (0: the outbox was empty).
        case relayed(Int)
        /// The outbox table does not exist yet: the daemon that migrates has not started.
        case notMigrated
    }

    /// Fixed, like the migrator's: the advisory lock key of the one active relay.
    static let lockKey: Int64 = 0x5043_5302

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Publishes up to `limit` of the oldest events with `publish` and deletes them. If
    /// `publish` throws, nothing is deleted (the transaction rolls back) and the same events
    /// come again next time: delivery is at least once, and `EventBus.publish` makes the
    /// repeat invisible.
    public func relayBatch(limit: Int, publish: @Sendable ([OutboxEvent]) async throws -> Void) async throws -> BatchOutcome {
        let logger = self.logger
        do {
            return try await batch(limit: limit, publish: publish, logger: logger)
        } catch where error.isUndefinedTable {
            return .notMigrated
        }
    }

    private func batch(limit: Int, publish: @Sendable ([OutboxEvent]) async throws -> Void, logger: Logger) async throws
        -> BatchOutcome {
        try await client.withTransaction(logger: logger) { connection in
            for try await locked in try await connection.query(
                "SELECT pg_try_advisory_xact_lock(\(Self.lockKey))", logger: logger).decode(Bool.self) where !locked {
                return .busy
            }
            var events: [OutboxEvent] = []
            let rows = try await connection.query("""
                SELECT id, channel, type, data::text, created_at, traceparent FROM event_outbox ORDER BY id LIMIT \(limit)
                """, logger: logger)
            for try await (id, channel, type, data, createdAt, traceparent) in rows.decode((Int64, String, String, String, Date, String?).self) {
                let payload = (try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8))) ?? .null
                events.append(OutboxEvent(sequence: id, channel: channel, type: type, at: EventTime.format(createdAt),
                                          data: payload, traceparent: traceparent))
            }
            guard !events.isEmpty else { return .relayed(0) }
            try await publish(events)
            // Exactly the rows published: a row with a smaller id whose transaction committed
            // after the SELECT is not in this batch and must stay for the next.
            try await connection.query("DELETE FROM event_outbox WHERE id = ANY(\(events.map(\.sequence)))", logger: logger)
            return .relayed(events.count)
        }
    }

    /// Events not yet published, and the age of the oldest (healthd reports both). An
    /// outbox not created yet (nobody migrated) is empty.
    public func backlog() async throws -> (count: Int, oldestAge: Duration?) {
        do {
            let rows = try await client.query("""
                SELECT count(*)::bigint, extract(epoch from now() - min(created_at))::double precision FROM event_outbox
                """, logger: logger)
            for try await (count, age) in rows.decode((Int64, Double?).self) {
                return (Int(count), age.map { .milliseconds(Int64($0 * 1000)) })
            }
        } catch where error.isUndefinedTable {
            return (0, nil)
        }
        return (0, nil)
    }
}
