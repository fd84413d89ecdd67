import Budgets
import PromptCards
import ServiceKit

/// The budgets queue-worker enforces on each job, read once at start (docs/LIMITS.md).
/// Going over one never kills the worker: the job's case is recorded as errored with the
/// budget's reason, so its run can still finish.
public struct QueueWorkerLimits: Sendable {
    /// Wall-clock time one job may work, heartbeats or not.
    public var jobDeadline: Budget
    /// Wall-clock time grading one answer may take.
    public var gradingDeadline: Budget
    /// Reclaims from silent workers a job survives before it is dead-lettered.
    public var maxStalls: Budget
    /// Assertions of a job's test case (counts, nesting, schema steps, regex time) and the
    /// rendered size of its prompt and assertion values (`MAX_RENDERED_PROMPT_BYTES`).
    public var assertions: AssertionLimits

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        jobDeadline = try env.budget(BudgetCatalog.jobDeadlineSeconds)
        gradingDeadline = try env.budget(BudgetCatalog.gradingDeadlineSeconds)
        maxStalls = try env.budget(BudgetCatalog.maxStalls)
        assertions = try AssertionLimits(reading: env.budget)
    }
}

extension Budget {
    /// A budget counted in seconds, as a `Duration`.
    var seconds: Duration { .seconds(limit) }
}
