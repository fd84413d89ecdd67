import Foundation
import JSONCore

/// The payload of a `webhook.deliver` job: POST `body` (JSON) to `url`, signed with the
/// job owner's webhook secret (docs/QUEUE.md, "Webhooks"). Runs enqueue one when they end;
/// any producer may push one for a user it acts for.
public struct WebhookDeliveryJob: Codable, Sendable, Equatable {
    public static let type = "webhook.deliver"

    public var url: String
    /// What happened, sent as `X-PCS-Event` (`run.completed`, …).
    public var event: String
    public var body: JSONValue

    public init(url: String, event: String, body: JSONValue) {
        self.url = url
        self.event = event
        self.body = body
    }

    /// A delivery is tried for about 40 minutes: 5 s, 10 s, 20 s … between attempts, at most 5 min.
    public static let attempts = 12
    public static let backoff = Backoff(kind: .exponential, delayMilliseconds: 5_000, jitter: 0.3)

    public func envelope(id: String, owner: UUID, traceparent: String? = nil) throws -> JobEnvelope {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return JobEnvelope(id: id, type: Self.type, payload: payload, maxAttempts: Self.attempts,
                           owner: owner.uuidString.lowercased(), backoff: Self.backoff, traceparent: traceparent)
    }
}
