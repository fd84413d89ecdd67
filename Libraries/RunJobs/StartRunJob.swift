import Foundation
import Queue

/// The payload of a `run.start` job: start a run of a stored card, as
/// `POST /api/v1/cards/{id}/runs` does — the same options, defaults and budgets. The run is
/// the card owner's; a job that names an `owner` must be that owner's. Its `idempotency_key`
/// (by default `job:<job id>`) makes a retried job find the run it started instead of
/// starting a second one. The job's result is `{"run_id": …, "status": …, "replayed": …}`.
public struct StartRunJob: Codable, Sendable, Equatable {
    public static let type = "run.start"

    public var cardID: UUID
    public var options: RunOptions
    public var idempotencyKey: String?

    public init(cardID: UUID, options: RunOptions = .init(), idempotencyKey: String? = nil) {
        self.cardID = cardID
        self.options = options
        self.idempotencyKey = idempotencyKey
    }

    enum CodingKeys: String, CodingKey {
        case cardID = "card_id"
        case idempotencyKey = "idempotency_key"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cardID = try container.decode(UUID.self, forKey: .cardID)
        idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        options = try RunOptions(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cardID.uuidString.lowercased(), forKey: .cardID)
        try container.encodeIfPresent(idempotencyKey, forKey: .idempotencyKey)
        try options.encode(to: encoder)
    }

    /// The job as the queue takes it; `id` deduplicates (a random one when nil).
    public func envelope(id: String? = nil, owner: UUID? = nil, traceparent: String? = nil) throws -> JobEnvelope {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return JobEnvelope(id: id ?? UUID().uuidString.lowercased(), type: Self.type, payload: payload,
                           owner: owner?.uuidString.lowercased(), traceparent: traceparent)
    }
}
