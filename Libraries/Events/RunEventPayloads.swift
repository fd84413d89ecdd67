import Foundation

/// `run.queued`: the run is stored and its jobs are about to be enqueued.
public struct RunQueued: Codable, Sendable, Equatable {
    public var runID: String
    public var cardID: String
    public var status: String = "queued"
    public var total: Int
    public var models: [String]

    public init(runID: UUID, cardID: UUID, total: Int, models: [String]) {
        self.runID = lowercased(runID)
        self.cardID = lowercased(cardID)
        self.total = total
        self.models = models
    }

    enum CodingKeys: String, CodingKey {
        case status, total, models
        case runID = "run_id"
        case cardID = "card_id"
    }
}

/// `run.started`: a worker took the run's first job.
public struct RunStarted: Codable, Sendable, Equatable {
    public var runID: String
    public var status: String = "running"

    public init(runID: UUID) {
        self.runID = lowercased(runID)
    }

    enum CodingKeys: String, CodingKey {
        case status
        case runID = "run_id"
    }
}

/// `case.completed`: one (test case × model × repeat) was answered and graded, or errored.
public struct CaseCompleted: Codable, Sendable, Equatable {
    public var runID: String
    public var testCaseID: String
    public var resultID: String
    public var model: String
    public var repeatIndex: Int
    public var pass: Bool
    public var score: Double
    public var reason: String
    public var latencyMs: Int?
    public var cost: Double
    /// Set when the case could not be answered or graded (then `pass` is false).
    public var error: String?

    public init(runID: UUID, testCaseID: UUID, resultID: UUID, model: String, repeatIndex: Int, pass: Bool,
                score: Double, reason: String, latencyMs: Int?, cost: Double, error: String?) {
        self.runID = lowercased(runID)
        self.testCaseID = lowercased(testCaseID)
        self.resultID = lowercased(resultID)
        self.model = model
        self.repeatIndex = repeatIndex
        self.pass = pass
        self.score = score
        self.reason = reason
        self.latencyMs = latencyMs
        self.cost = cost
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case model, pass, score, reason, cost, error
        case runID = "run_id"
        case testCaseID = "test_case_id"
        case resultID = "result_id"
        case repeatIndex = "repeat_index"
        case latencyMs = "latency_ms"
    }
}

/// `run.progress`: the run's tallies after a case completed.
public struct RunProgress: Codable, Sendable, Equatable {
    public var runID: String
    public var completed: Int
    public var total: Int
    public var passed: Int
    public var failed: Int
    public var errored: Int

    public init(runID: UUID, completed: Int, total: Int, passed: Int, failed: Int, errored: Int) {
        self.runID = lowercased(runID)
        self.completed = completed
        self.total = total
        self.passed = passed
        self.failed = failed
        self.errored = errored
    }

    enum CodingKeys: String, CodingKey {
        case completed, total, passed, failed, errored
        case runID = "run_id"
    }
}

/// `run.completed`, `run.cancelled`, `run.failed`: the run is final; its tallies as they ended.
public struct RunSummary: Codable, Sendable, Equatable {
    public var runID: String
    public var cardID: String
    /// `completed`, `cancelled` or `failed`.
    public var status: String
    public var total: Int
    public var completed: Int
    public var passed: Int
    public var failed: Int
    public var errored: Int
    public var score: Double?
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var promptTokens: Int
    public var completionTokens: Int
    public var cost: Double
    /// Why a failed run failed.
    public var reason: String?

    public init(runID: UUID, cardID: UUID, status: String, total: Int, completed: Int, passed: Int, failed: Int,
                errored: Int, score: Double?, latencyP50Ms: Double?, latencyP95Ms: Double?, promptTokens: Int,
                completionTokens: Int, cost: Double, reason: String?) {
        self.runID = lowercased(runID)
        self.cardID = lowercased(cardID)
        self.status = status
        self.total = total
        self.completed = completed
        self.passed = passed
        self.failed = failed
        self.errored = errored
        self.score = score
        self.latencyP50Ms = latencyP50Ms
        self.latencyP95Ms = latencyP95Ms
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case status, total, completed, passed, failed, errored, score, cost, reason
        case runID = "run_id"
        case cardID = "card_id"
        case latencyP50Ms = "latency_p50_ms"
        case latencyP95Ms = "latency_p95_ms"
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}
