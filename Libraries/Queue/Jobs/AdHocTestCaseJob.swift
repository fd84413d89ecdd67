import Foundation
import PromptCards

/// The payload of an ad-hoc `test-case.execute` job: a test case that is not stored
/// anywhere — a prompt (or a template and its variables), the assertions on the answer and
/// the model to ask. The worker renders, asks, grades and stores the graded result as the
/// job's result (`AdHocTestCaseResult`). A `test-case.execute` payload without `run_id` is
/// one of these (docs/QUEUE.md).
public struct AdHocTestCaseJob: Codable, Sendable, Equatable {
    /// The prompt template, `{{variables}}` and all (`prompt` is accepted as its other name).
    public var template: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    /// The share of the assertions' weighted score the case needs to pass (all must pass when nil).
    public var threshold: Double?
    public var model: String

    public init(template: String, vars: [String: JSONValue] = [:], assert: [Assertion], threshold: Double? = nil,
                model: String) {
        self.template = template
        self.vars = vars
        self.assert = assert
        self.threshold = threshold
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case template, prompt, vars, assert, threshold, model
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let template = try container.decodeIfPresent(String.self, forKey: .template) {
            self.template = template
        } else {
            self.template = try container.decode(String.self, forKey: .prompt)
        }
        vars = try container.decodeIfPresent([String: JSONValue].self, forKey: .vars) ?? [:]
        assert = try container.decodeIfPresent([Assertion].self, forKey: .assert) ?? []
        threshold = try container.decodeIfPresent(Double.self, forKey: .threshold)
        model = try container.decode(String.self, forKey: .model)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(template, forKey: .template)
        try container.encode(vars, forKey: .vars)
        try container.encode(assert, forKey: .assert)
        try container.encodeIfPresent(threshold, forKey: .threshold)
        try container.encode(model, forKey: .model)
    }

    /// The job as the queue takes it; `id` deduplicates (a random one when nil).
    public func envelope(id: String? = nil, owner: UUID? = nil, maxAttempts: Int = 3, priority: Int = 0) throws -> JobEnvelope {
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        return JobEnvelope(id: id ?? UUID().uuidString.lowercased(), type: ExecuteTestCaseJob.type, payload: payload,
                           maxAttempts: maxAttempts, priority: priority, owner: owner?.uuidString.lowercased())
    }
}

/// An ad-hoc test case's graded result: the job's `result`.
public struct AdHocTestCaseResult: Codable, Sendable, Equatable {
    public var pass: Bool
    public var score: Double
    public var reason: String
    /// The prompt as sent to the model.
    public var prompt: String
    /// The model's answer; nil when there was none.
    public var output: String?
    public var model: String
    /// Each assertion's verdict (promptfoo's `gradingResult`); nil when the case errored.
    public var grading: GradingResult?
    /// Why the case could not be graded (a template error, a budget, a model that refused);
    /// nil when it was.
    public var error: String?
    public var latencyMs: Int?
    public var promptTokens: Int
    public var completionTokens: Int
    /// Dollars, when llm-proxy priced the call.
    public var cost: Double?

    public init(pass: Bool, score: Double, reason: String, prompt: String, output: String?, model: String,
                grading: GradingResult?, error: String?, latencyMs: Int?, promptTokens: Int, completionTokens: Int,
                cost: Double?) {
        self.pass = pass
        self.score = score
        self.reason = reason
        self.prompt = prompt
        self.output = output
        self.model = model
        self.grading = grading
        self.error = error
        self.latencyMs = latencyMs
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
    }

    enum CodingKeys: String, CodingKey {
        case pass, score, reason, prompt, output, model, grading, error, cost
        case latencyMs = "latency_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }

    /// Every field, `null` when there is nothing: one shape for producers in any language.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pass, forKey: .pass)
        try container.encode(score, forKey: .score)
        try container.encode(reason, forKey: .reason)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(output, forKey: .output)
        try container.encode(model, forKey: .model)
        try container.encode(grading, forKey: .grading)
        try container.encode(error, forKey: .error)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(cost, forKey: .cost)
    }
}
