import Budgets
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
    /// The size of a rendered prompt.
    public var renderedPrompt: Budget

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        jobDeadline = try env.budget(BudgetCatalog.jobDeadlineSeconds)
        gradingDeadline = try env.budget(BudgetCatalog.gradingDeadlineSeconds)
        maxStalls = try env.budget(BudgetCatalog.maxStalls)
        renderedPrompt = try env.budget(BudgetCatalog.renderedPromptBytes)
    }
}

extension Budget {
    /// A budget counted in seconds, as a `Duration`.
    var seconds: Duration { .seconds(limit) }
}
