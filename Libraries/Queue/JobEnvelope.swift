import Foundation

/// A job as a producer describes it. In Redis it is a flat list of fields (`fields`), so a
/// producer in any language can enqueue it with one `FCALL pcsq_enqueue` or `XADD` to the
/// intake stream (docs/QUEUE.md).
public struct JobEnvelope: Sendable, Equatable {
    /// The idempotency key: enqueueing an id the queue still knows is a no-op (`duplicate`).
    public var id: String
    public var type: String
    public var payload: String
    /// Which attempt this is (1 on the first); the queue counts them.
    public var attempt: Int
    public var maxAttempts: Int
    public var enqueuedAt: Int64
    /// Not before this Unix ms: the job waits in the delayed set until then.
    public var notBefore: Int64?
    /// > 0 runs in the high lane, < 0 in the low one, 0 in the normal one.
    public var priority: Int
    /// Who the job is for: the queue shares its workers fairly across owners.
    public var owner: String?
    /// The job's group within its owner (a run: `run:<id>`), shared fairly too; defaults to
    /// one group per owner.
    public var group: String?
    /// At most this many jobs of the group run at once, across all workers.
    public var groupConcurrency: Int?
    public var backoff: Backoff
    public var traceparent: String?

    public init(id: String = UUID().uuidString.lowercased(), type: String, payload: String, attempt: Int = 1,
                maxAttempts: Int = 3, enqueuedAt: Int64 = JobEnvelope.nowMillis(), notBefore: Int64? = nil,
                priority: Int = 0, owner: String? = nil, group: String? = nil, groupConcurrency: Int? = nil,
                backoff: Backoff = .init(), traceparent: String? = nil) {
        self.id = id
        self.type = type
        self.payload = payload
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.enqueuedAt = enqueuedAt
        self.notBefore = notBefore
        self.priority = priority
        self.owner = owner
        self.group = group
        self.groupConcurrency = groupConcurrency
        self.backoff = backoff
        self.traceparent = traceparent
    }

    public static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// The job's field/value pairs, as `pcsq_enqueue` and the intake stream take them.
    public var fields: [String] {
        var fields = ["id", id, "type", type, "payload", payload, "attempt", String(attempt),
                      "max_attempts", String(maxAttempts), "enqueued_at", String(enqueuedAt), "priority", String(priority)]
        fields += backoff.fields
        if let notBefore { fields += ["not_before", String(notBefore)] }
        if let owner { fields += ["owner", owner] }
        if let group { fields += ["group", group] }
        if let groupConcurrency { fields += ["group_concurrency", String(groupConcurrency)] }
        if let traceparent { fields += ["traceparent", traceparent] }
        return fields
    }

    /// Reads a job as the queue stores it (its hash); a malformed one is reported, not crashed on.
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
        self.priority = switch fields["lane"] ?? fields["priority"] {
        case "high": 1
        case "low": -1
        case let other: other.flatMap(Int.init) ?? 0
        }
        self.owner = fields["owner"].flatMap { $0.isEmpty || $0 == "-" ? nil : $0 }  // "-": nobody
        self.group = fields["group"]
        self.groupConcurrency = fields["group_concurrency"].flatMap(Int.init)
        self.backoff = Backoff(fields: fields)
        self.traceparent = fields["traceparent"]
    }
}
