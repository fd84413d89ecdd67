import Foundation
import JSONCore

/// An event as clients receive it. `id` is the entry id in the channel's history stream,
/// so it orders events and is the offset a client resumes from.
public struct EventEnvelope: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var type: String
    /// ISO 8601 time the event happened (when its state change committed).
    public var at: String
    public var data: JSONValue
    /// The W3C trace context of the work that committed the event (left out when untraced):
    /// a subscriber can find the spans of the request or job behind it.
    public var traceparent: String?

    public init(id: String, channel: String, type: String, at: String, data: JSONValue, traceparent: String? = nil) {
        self.id = id
        self.channel = channel
        self.type = type
        self.at = at
        self.data = data
        self.traceparent = traceparent
    }

    /// The typed event, or nil for a type this vocabulary does not know (health ticks,
    /// events from a newer daemon).
    public var event: RunEvent? {
        guard let known = EventType(rawValue: type) else { return nil }
        return try? RunEvent(type: known, data: data)
    }
}
