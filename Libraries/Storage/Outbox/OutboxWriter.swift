import Events
import Logging
import PostgresNIO
import TracePropagation

/// Writes events into the outbox inside the caller's transaction, so that they commit, or
/// roll back, with the state change they announce. One statement whatever their number.
/// Each event keeps the trace context it was written in (the request's or the job's span),
/// so that it can be followed back to the trace of its run.
enum OutboxWriter {
    static func append(_ events: [RunEvent], on connection: PostgresConnection, logger: Logger) async throws {
        var (channels, types, payloads) = ([String](), [String](), [String]())
        for event in events {
            let data = try event.data().description
            for channel in event.channels {
                channels.append(channel)
                types.append(event.type.rawValue)
                payloads.append(data)
            }
        }
        guard !channels.isEmpty else { return }
        let traceparent = TraceContext.currentTraceparent()
        // unnest keeps the array order, and bigserial hands out ids in insertion order.
        try await connection.query("""
            INSERT INTO event_outbox (channel, type, data, traceparent)
            SELECT channel, type, data::jsonb, \(traceparent) FROM unnest(\(channels)::text[], \(types)::text[], \(payloads)::text[])
                WITH ORDINALITY AS e(channel, type, data, position)
            ORDER BY position
            """, logger: logger)
    }
}
