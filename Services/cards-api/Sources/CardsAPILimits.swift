import Budgets
import ServiceKit

/// The budgets cards-api itself enforces on runs and lists, read once at start
/// (the template and assertion budgets live with the validation that uses them).
public struct CardsAPILimits: Sendable {
    public var jobsPerRun: Budget
    public var activeRunsPerUser: Budget
    public var queuedJobsPerUser: Budget
    public var searchDepth: Budget

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        jobsPerRun = try env.budget(BudgetCatalog.jobsPerRun)
        activeRunsPerUser = try env.budget(BudgetCatalog.activeRunsPerUser)
        queuedJobsPerUser = try env.budget(BudgetCatalog.queuedJobsPerUser)
        searchDepth = try env.budget(BudgetCatalog.searchDepth)
    }
}
