import Foundation
import PromptCards
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

    @discardableResult
    public func publish(channel: String, type: String, data: JSONValue) async throws -> EventEnvelope {
        let at = Date.now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let body = String(decoding: try JSONEncoder().encode(data), as: UTF8.self)
        let history = keys.eventHistory(channel)
        let replies = try await redis.pipeline([
            ["XADD", history, "MAXLEN", "~", String(historyLength), "*", "type", type, "at", at, "data", body],
            ["EXPIRE", history, String(retention.components.seconds)],
            ["PUBLISH", keys.eventNotifications(channel), type],
        ])
        guard let id = replies.first?.string else {
            throw QueueError.unexpectedReply("XADD for event \(type) on \(channel): \(String(describing: replies.first))")
        }
        return EventEnvelope(id: id, channel: channel, type: type, at: at, data: data)
    }

    /// Events after `id` (exclusive; "0" for all that are kept), oldest first.
    public func history(channel: String, after id: String, limit: Int = 500) async throws -> [EventEnvelope] {
        let start = id == "0" || id.isEmpty ? "-" : "(\(id)"
        let reply = try await redis.send(["XRANGE", keys.eventHistory(channel), start, "+", "COUNT", String(limit)])
        return try StreamEntries.parse(reply).map { entry in
            let data = (try? JSONDecoder().decode(JSONValue.self, from: Data((entry.fields["data"] ?? "null").utf8))) ?? .null
            return EventEnvelope(id: entry.id, channel: channel, type: entry.fields["type"] ?? "", at: entry.fields["at"] ?? "", data: data)
        }
    }

    /// The id of the newest event kept for the channel, or "0" when there is none.
    public func lastID(channel: String) async throws -> String {
        let reply = try await redis.send(["XREVRANGE", keys.eventHistory(channel), "+", "-", "COUNT", "1"])
        return try StreamEntries.parse(reply).first?.id ?? "0"
    }
}

/// Whether stream id `a` comes after `b` (ids are `ms-seq`).
public func streamID(_ a: String, isAfter b: String) -> Bool {
    func parts(_ id: String) -> (UInt64, UInt64) {
        let split = id.split(separator: "-", maxSplits: 1)
        return (UInt64(split.first ?? "0") ?? 0, split.count > 1 ? UInt64(split[1]) ?? 0 : 0)
    }
    let (am, asq) = parts(a)
    let (bm, bsq) = parts(b)
    return am != bm ? am > bm : asq > bsq
}
