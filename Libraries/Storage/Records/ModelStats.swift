import Foundation

/// Aggregates of one model's results over a time window.
public struct ModelStats: Codable, Sendable, Equatable {
    public var model: String
    public var runs: Int
    public var results: Int
    public var passRate: Double
    public var meanScore: Double
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var latencyP99Ms: Double?
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double

    enum CodingKeys: String, CodingKey {
        case model, runs, results, cost
        case passRate = "pass_rate"
        case meanScore = "mean_score"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP95Ms = "latency_p95_ms"
        case latencyP99Ms = "latency_p99_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}

/// One day of one model's results.
public struct DailyStats: Codable, Sendable, Equatable {
    /// The UTC day, `YYYY-MM-DD`.
    public var day: String
    public var model: String
    public var results: Int
    public var passRate: Double
    public var meanScore: Double

    enum CodingKeys: String, CodingKey {
        case day, model, results
        case passRate = "pass_rate"
        case meanScore = "mean_score"
    }
}

/// Which results analytics aggregate.
public struct AnalyticsScope: Sendable, Equatable {
    public var ownerID: UUID?
    public var cardID: UUID?
    public var from: Date
    public var to: Date

    public init(ownerID: UUID?, cardID: UUID?, from: Date, to: Date) {
        self.ownerID = ownerID
        self.cardID = cardID
        self.from = from
        self.to = to
    }
}
