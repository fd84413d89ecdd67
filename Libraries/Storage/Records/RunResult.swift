import Foundation
import PromptCards

/// What one job produced: the rendered prompt, the model's answer and its grading.
public struct RunResult: Codable, Sendable, Equatable {
    public var id: UUID
    public var runID: UUID
    public var jobID: String
    public var testCaseID: UUID
    public var model: String
    public var repeatIndex: Int
    public var prompt: String
    public var output: String?
    public var pass: Bool
    public var score: Double
    public var reason: String
    public var grading: GradingResult?
    public var error: String?
    public var latencyMs: Int?
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double
    public var createdAt: Date

    public init(id: UUID = UUID(), runID: UUID, jobID: String, testCaseID: UUID, model: String, repeatIndex: Int,
                prompt: String, output: String?, pass: Bool, score: Double, reason: String, grading: GradingResult?,
                error: String?, latencyMs: Int?, promptTokens: Int, completionTokens: Int, cost: Double, createdAt: Date = .now) {
        self.id = id
        self.runID = runID
        self.jobID = jobID
        self.testCaseID = testCaseID
        self.model = model
        self.repeatIndex = repeatIndex
        self.prompt = prompt
        self.output = output
        self.pass = pass
        self.score = score
        self.reason = reason
        self.grading = grading
        self.error = error
        self.latencyMs = latencyMs
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, model, prompt, output, pass, score, reason, grading, error, cost
        case runID = "run_id"
        case jobID = "job_id"
        case testCaseID = "test_case_id"
        case repeatIndex = "repeat_index"
        case latencyMs = "latency_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case createdAt = "created_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeLowercase(id, forKey: .id)
        try container.encodeLowercase(runID, forKey: .runID)
        try container.encode(jobID, forKey: .jobID)
        try container.encodeLowercase(testCaseID, forKey: .testCaseID)
        try container.encode(model, forKey: .model)
        try container.encode(repeatIndex, forKey: .repeatIndex)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(output, forKey: .output)
        try container.encode(pass, forKey: .pass)
        try container.encode(score, forKey: .score)
        try container.encode(reason, forKey: .reason)
        try container.encode(grading, forKey: .grading)
        try container.encode(error, forKey: .error)
        try container.encode(latencyMs, forKey: .latencyMs)
        try container.encode(promptTokens, forKey: .promptTokens)
        try container.encode(completionTokens, forKey: .completionTokens)
        try container.encode(cost, forKey: .cost)
        try container.encode(createdAt, forKey: .createdAt)
    }
}
