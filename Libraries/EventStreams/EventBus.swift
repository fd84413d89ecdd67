import Events
import Foundation
import JSONCore
import RedisClient

/// Publishes events and reads their history. An event is appended to its channel's
/// bounded history stream (the stream id becomes the event id) and a notification is
/// published on the channel's pub/sub name in the same round trip, so listeners wake up
/// and read the stream — the stream, not pub/sub, is the source of truth, which is what
/// makes resuming gap-free.
public struct EventBus: Sendable {
    let redis: RedisClient
    let keys: RedisKeys
    /// Events kept per channel (approximately; trimming is lazy).
    let historyLength: Int
    /// A channel's history expires this long after its last event.
    let retention: Duration

    public init(redis: RedisClient, keys: RedisKeys, historyLength: Int = 1000, retention: Duration = .seconds(86_400)) {
        self.redis = redis
        self.keys = keys
        self.historyLength = historyLength
        self.retention = retention
    }

    /// Publishes outbox events in order, each at most once per channel however often it is
    /// handed in: a relay that died after publishing but before marking its batch sent
    /// publishes the batch again, and the events already out are skipped (their outbox
    /// sequence is remembered per channel, atomically with the append). One round trip.
    /// Returns the envelopes that went out now.
    @discardableResult
    public func publish(_ events: [OutboxEvent]) async throws -> [EventEnvelope] {
        guard !events.isEmpty else { return [] }
        let (length, seconds) = (String(historyLength), String(retention.components.seconds))
        let commands = events.map { event in
            ["EVAL", Self.publishOnceScript, "3", keys.eventHistory(event.channel), keys.publishedEvents(event.channel),
             keys.eventNotifications(event.channel), String(event.sequence), length, seconds, event.type, event.at,
             event.data.description, event.traceparent ?? ""]
        }
        var published: [EventEnvelope] = []
        var failure: (any Error)?
        for (event, reply) in zip(events, try await redis.pipeline(commands)) {
            if case .error(let message) = reply {
                failure = failure ?? RedisError.server(message)
            } else if let id = reply.string {
                published.append(EventEnvelope(id: id, channel: event.channel, type: event.type, at: event.at, data: event.data,
                                               traceparent: event.traceparent))
            }
        }
        if let failure { throw failure }
        return published
    }

    /// Publishes one event outside any outbox: for events that announce no stored state
    /// change (health ticks), where losing one is harmless. Run and card events go through
    /// the outbox (`OutboxRelay`), never through here.
    @discardableResult
    public func publish(channel: String, type: String, data: JSONValue) async throws -> EventEnvelope {
        let at = EventTime.format(.now)
        let history = keys.eventHistory(channel)
        let replies = try await redis.pipeline([
            ["XADD", history, "MAXLEN", "~", String(historyLength), "*", "type", type, "at", at, "data", data.description],
            ["EXPIRE", history, String(retention.components.seconds)],
            ["PUBLISH", keys.eventNotifications(channel), type],
        ])
        guard let id = replies.first?.string else {
            throw RedisError.protocolError("XADD for event \(type) on \(channel): \(String(describing: replies.first))")
        }
        return EventEnvelope(id: id, channel: channel, type: type, at: at, data: data)
    }

    /// Events after `id` (exclusive; "0" for all that are kept), oldest first.
    public func history(channel: String, after id: String, limit: Int = 500) async throws -> [EventEnvelope] {
        let start = id == "0" || id.isEmpty ? "-" : "(\(id)"
        let reply = try await redis.send(["XRANGE", keys.eventHistory(channel), start, "+", "COUNT", String(limit)])
        return try StreamEntries.parse(reply).map { entry in
            let data = (try? JSONDecoder().decode(JSONValue.self, from: Data((entry.fields["data"] ?? "null").utf8))) ?? .null
            return EventEnvelope(id: entry.id, channel: channel, type: entry.fields["type"] ?? "", at: entry.fields["at"] ?? "",
                                 data: data, traceparent: entry.fields["traceparent"])
        }
    }

    /// The id of the newest event kept for the channel, or "0" when there is none.
    public func lastID(channel: String) async throws -> String {
        let reply = try await redis.send(["XREVRANGE", keys.eventHistory(channel), "+", "-", "COUNT", "1"])
        return try StreamEntries.parse(reply).first?.id ?? "0"
    }

    /// KEYS: history stream, published-sequence set, notification channel.
    /// ARGV: sequence, history length, retention seconds, type, at, data, traceparent ("" for none).
    /// The set keeps the newest sequences (twice the history length, far more than a relay
    /// batch), which is all a re-publish can repeat.
    static let publishOnceScript = """
        if redis.call('ZADD', KEYS[2], 'NX', ARGV[1], ARGV[1]) == 0 then return false end
        local fields = {'type', ARGV[4], 'at', ARGV[5], 'data', ARGV[6], 'seq', ARGV[1]}
        if ARGV[7] ~= '' then table.insert(fields, 'traceparent'); table.insert(fields, ARGV[7]) end
        local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(fields))
        redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(2 * tonumber(ARGV[2])) - 1)
        redis.call('EXPIRE', KEYS[1], ARGV[3])
        redis.call('EXPIRE', KEYS[2], ARGV[3])
        redis.call('PUBLISH', KEYS[3], ARGV[4])
        return id
        """
}
