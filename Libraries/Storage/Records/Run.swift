import Foundation

/// The life of a run: `queued` → `running` → `completed`, or `cancelled` on request,
/// or `failed` when it cannot execute at all.
public enum RunStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, completed, failed, cancelled

    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// One execution of a card's test cases against one or more models, with its tallies.
public struct Run: Codable, Sendable, Equatable {
    public var id: UUID
    public var cardID: UUID
    public var ownerID: UUID
    public var cardVersion: Int
    public var status: RunStatus
    public var models: [String]
    public var `repeat`: Int
    public var concurrency: Int
    public var total: Int
    public var completed: Int
    public var passed: Int
    public var failed: Int
    public var errored: Int
    public var score: Double?
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var latencyP99Ms: Double?
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double
    public var createdAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    /// Overrides every test case's own threshold when set.
    public var threshold: Double? = nil
    /// Why the run ended `failed` (nil for every other status).
    public var failureReason: String? = nil
    /// Where the run's end is announced (a signed `POST`, docs/QUEUE.md); nil for nowhere.
    public var webhookURL: String? = nil

    /// A new run, not yet started.
    public static func queued(id: UUID = UUID(), cardID: UUID, ownerID: UUID, cardVersion: Int, models: [String],
                              repeat: Int, concurrency: Int, total: Int, threshold: Double? = nil, webhookURL: String? = nil,
                              createdAt: Date = .now) -> Run {
        Run(id: id, cardID: cardID, ownerID: ownerID, cardVersion: cardVersion, status: .queued, models: models,
            repeat: `repeat`, concurrency: concurrency, total: total, completed: 0, passed: 0, failed: 0, errored: 0,
            score: nil, latencyP50Ms: nil, latencyP95Ms: nil, latencyP99Ms: nil, promptTokens: 0, completionTokens: 0,
            cost: 0, createdAt: createdAt, startedAt: nil, finishedAt: nil, threshold: threshold, webhookURL: webhookURL)
    }

    enum CodingKeys: String, CodingKey {
        case id, status, models, `repeat`, concurrency, total, completed, passed, failed, errored, score, cost, threshold
        case cardID = "card_id"
        case ownerID = "owner_id"
        case cardVersion = "card_version"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP95Ms = "latency_p95_ms"
        case latencyP99Ms = "latency_p99_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case failureReason = "failure_reason"
        case webhookURL = "webhook_url"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeLowercase(id, forKey: .id)
        try container.encodeLowercase(cardID, forKey: .cardID)
        try container.encodeLowercase(ownerID, forKey: .ownerID)
        try container.encode(cardVersion, forKey: .cardVersion)
        try container.encode(status, forKey: .status)
        try container.encode(models, forKey: .models)
        try container.encode(`repeat`, forKey: .repeat)
        try container.encode(concurrency, forKey: .concurrency)
        try container.encode(total, forKey: .total)
        try container.encode(completed, forKey: .completed)
        try container.encode(passed, forKey: .passed)
        try container.encode(failed, forKey: .failed)
        try container.encode(errored, forKey: .errored)
        try container.encode(score, forKey: .score)
        try container.encode(latencyP50Ms, forKey: .latencyP50Ms)
        try container.encode(latencyP95Ms, forKey: .latencyP95Ms)
        try container.encode(latencyP99Ms, forKey: .latencyP99Ms)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(cost, forKey: .cost)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(finishedAt, forKey: .finishedAt)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(webhookURL, forKey: .webhookURL)
    }
}
