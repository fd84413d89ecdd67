import Foundation

/// A job as it travels through the queue. In the stream it is a flat list of fields, so a
/// producer in any language can enqueue with one `XADD` (see docs/QUEUE.md):
/// `id`, `type`, `payload` (JSON text), `attempt`, `max_attempts`, `enqueued_at` (Unix ms),
/// optional `not_before` (Unix ms), `priority` and `traceparent`.
public struct JobEnvelope: Sendable, Equatable, Codable {
    /// The idempotency key: consumers must make re-processing the same id harmless.
    public var id: String
    public var type: String
    public var payload: String
    public var attempt: Int
    public var maxAttempts: Int
    public var enqueuedAt: Int64
    public var notBefore: Int64?
    public var priority: Int
    public var traceparent: String?

    public init(id: String = UUID().uuidString.lowercased(), type: String, payload: String, attempt: Int = 1,
                maxAttempts: Int = 3, enqueuedAt: Int64 = JobEnvelope.nowMillis(), notBefore: Int64? = nil,
                priority: Int = 0, traceparent: String? = nil) {
        self.id = id
        self.type = type
        self.payload = payload
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.enqueuedAt = enqueuedAt
        self.notBefore = notBefore
        self.priority = priority
        self.traceparent = traceparent
    }

    enum CodingKeys: String, CodingKey {
        case id, type, payload, attempt, priority, traceparent
        case maxAttempts = "max_attempts"
        case enqueuedAt = "enqueued_at"
        case notBefore = "not_before"
    }

    public static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The stream entry's field/value pairs.
    public var fields: [String] {
        var fields = ["id", id, "type", type, "payload", payload, "attempt", String(attempt),
                      "max_attempts", String(maxAttempts), "enqueued_at", String(enqueuedAt), "priority", String(priority)]
        if let notBefore { fields += ["not_before", String(notBefore)] }
        if let traceparent { fields += ["traceparent", traceparent] }
        return fields
    }

    /// Reads a stream entry's fields; a malformed entry is reported, not crashed on.
    public init(fields: [String: String]) throws(QueueError) {
        guard let type = fields["type"], !type.isEmpty else { throw QueueError.malformedJob("missing field \"type\"") }
        guard let payload = fields["payload"] else { throw QueueError.malformedJob("missing field \"payload\"") }
        func int(_ name: String, _ fallback: Int) throws(QueueError) -> Int {
            guard let raw = fields[name] else { return fallback }
            guard let value = Int(raw) else { throw QueueError.malformedJob("field \"\(name)\" is not an integer") }
            return value
        }
        self.id = fields["id"].flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased()
        self.type = type
        self.payload = payload
        self.attempt = max(1, try int("attempt", 1))
        self.maxAttempts = max(1, try int("max_attempts", 3))
        self.enqueuedAt = Int64(try int("enqueued_at", Int(JobEnvelope.nowMillis())))
        self.notBefore = fields["not_before"].flatMap(Int64.init)
        self.priority = try int("priority", 0)
        self.traceparent = fields["traceparent"]
    }
}
