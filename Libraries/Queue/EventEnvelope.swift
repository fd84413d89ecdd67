import Foundation
import PromptCards

/// An event as clients receive it. `id` is the entry id in the channel's history stream,
/// so it orders events and is the offset a client resumes from.
public struct EventEnvelope: Codable, Sendable, Equatable {
    public var id: String
    public var channel: String
    public var type: String
    /// ISO 8601 time of publication.
    public var at: String
    public var data: JSONValue

    public init(id: String, channel: String, type: String, at: String, data: JSONValue) {
        self.id = id
        self.channel = channel
        self.type = type
        self.at = at
        self.data = data
    }
}

/// The names of the events the suite publishes.
public enum EventType {
    public static let runQueued = "run.queued"
    public static let runStarted = "run.started"
    public static let caseCompleted = "case.completed"
    public static let runProgress = "run.progress"
    public static let runCompleted = "run.completed"
    public static let runCancelled = "run.cancelled"
}

/// Channel names, validated, so that a client cannot subscribe to arbitrary Redis keys.
public enum EventChannel {
    public static func run(_ id: UUID) -> String { "run:\(id.uuidString.lowercased())" }
    public static func card(_ id: UUID) -> String { "card:\(id.uuidString.lowercased())" }
    public static let health = "health"

    /// The channel if it is well-formed: `run:<uuid>`, `card:<uuid>` or `health`.
    public static func parse(_ name: String) -> String? {
        if name == health { return name }
        for prefix in ["run:", "card:"] where name.hasPrefix(prefix) {
            guard let id = UUID(uuidString: String(name.dropFirst(prefix.count))) else { return nil }
            return prefix + id.uuidString.lowercased()
        }
        return nil
    }
}
