import JSONCore

/// An event as the outbox stored it, waiting to be published: `sequence` is the outbox
/// row's id, increasing in commit order per run (see docs/EVENTS.md), and the key that
/// makes publishing it twice harmless.
public struct OutboxEvent: Sendable, Equatable {
    public var sequence: Int64
    public var channel: String
    public var type: String
    /// ISO 8601 time the state change committed.
    public var at: String
    public var data: JSONValue
    /// The W3C trace context of the work that committed the event, when it was traced.
    public var traceparent: String?

    public init(sequence: Int64, channel: String, type: String, at: String, data: JSONValue, traceparent: String? = nil) {
        self.sequence = sequence
        self.channel = channel
        self.type = type
        self.at = at
        self.data = data
        self.traceparent = traceparent
    }
}
