import Foundation
import Storage

/// How a run is asked for — by `POST /cards/{id}/runs` or a `run.start` job — and the one
/// check of it both go through: the same defaults, ranges and field names either way.
public struct RunOptions: Codable, Sendable, Equatable {
    public var models: [String]?
    public var concurrency: Int?
    public var `repeat`: Int?
    public var threshold: Double?
    /// Where the run's end is announced; the card's webhook when nil.
    public var webhookURL: String?

    public init(models: [String]? = nil, concurrency: Int? = nil, repeat: Int? = nil, threshold: Double? = nil,
                webhookURL: String? = nil) {
        self.models = models
        self.concurrency = concurrency
        self.repeat = `repeat`
        self.threshold = threshold
        self.webhookURL = webhookURL
    }

    enum CodingKeys: String, CodingKey {
        case models, concurrency, `repeat`, threshold
        case webhookURL = "webhook_url"
    }

    /// The model a run uses when neither it nor its card names one.
    public static let defaultModel = "smollm2"

    /// A field at fault and why.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var field: String
        public var reason: String
        public var description: String { "\(field): \(reason)" }
    }

    /// The options with the card's defaults filled in, once every field is within its range.
    public struct Resolved: Sendable, Equatable {
        public var models: [String]
        public var concurrency: Int
        public var `repeat`: Int
        public var threshold: Double?
        public var webhookURL: String?
    }

    /// The options for a run of `card`, or every problem with them.
    public func resolved(for card: Card) -> Result<Resolved, RunOptionProblems> {
        // No models named: the card's defaults (a promptfoo import's providers), else the suite's default.
        let requested = models ?? (card.defaultModels.isEmpty ? [Self.defaultModel] : card.defaultModels)
        var problems: [Problem] = []
        if requested.isEmpty { problems.append(.init(field: "models", reason: "must list 1 to 10 models")) }
        let models = Self.models(requested, field: "models", into: &problems)
        let concurrency = concurrency ?? 4
        if !(1...50).contains(concurrency) { problems.append(.init(field: "concurrency", reason: "must be from 1 to 50")) }
        let repeatCount = `repeat` ?? 1
        if !(1...10).contains(repeatCount) { problems.append(.init(field: "repeat", reason: "must be from 1 to 10")) }
        if let threshold, !(0...1).contains(threshold) {
            problems.append(.init(field: "threshold", reason: "must be between 0 and 1"))
        }
        if let webhookURL, let reason = WebhookURL.problem(webhookURL) {
            problems.append(.init(field: "webhook_url", reason: reason))
        }
        guard problems.isEmpty else { return .failure(RunOptionProblems(problems: problems)) }
        return .success(Resolved(models: models, concurrency: concurrency, repeat: repeatCount, threshold: threshold,
                                 webhookURL: webhookURL ?? card.webhookURL))
    }

    /// A list of model names (a run's, or a card's defaults), trimmed: at most 10, each 1 to
    /// 200 characters, none twice. Problems are added under `field`.
    public static func models(_ raw: [String], field: String, into problems: inout [Problem]) -> [String] {
        let models = raw.map { $0.trimmingCharacters(in: .whitespaces) }
        if models.count > 10 { problems.append(.init(field: field, reason: "must list at most 10 models")) }
        for (index, model) in models.enumerated() where model.isEmpty || model.count > 200 {
            problems.append(.init(field: "\(field)[\(index)]", reason: "must be a model name of 1 to 200 characters"))
        }
        if Set(models).count != models.count { problems.append(.init(field: field, reason: "must not repeat a model")) }
        return models
    }
}

/// Every problem with a run's options.
public struct RunOptionProblems: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [RunOptions.Problem]
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
