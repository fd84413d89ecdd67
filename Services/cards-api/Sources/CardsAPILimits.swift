import Budgets
import PromptCards
import Promptfoo
import ServiceKit

/// The budgets cards-api enforces, read once from the environment (each variable within its
/// catalog range) and passed to the controllers; over one is a 4xx problem naming it.
public struct CardsAPILimits: Sendable {
    /// Assertions of a test case or an evaluate request: how many, how deep, how many
    /// model-graded, and the rendered size, schema steps and regex time of an evaluation.
    public var assertions: AssertionLimits
    /// A promptfoo import: document size, expanded YAML nodes and nesting, tests created.
    public var imports: ImportLimits
    /// Runs: jobs in one, and what one user may have unfinished at once.
    public var jobsPerRun: Budget
    public var activeRunsPerUser: Budget
    public var queuedJobsPerUser: Budget
    /// How deep ranked search results may be paged.
    public var searchDepth: Budget

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        assertions = try AssertionLimits(reading: env.budget)
        imports = try ImportLimits(reading: env.budget)
        jobsPerRun = try env.budget(BudgetCatalog.jobsPerRun)
        activeRunsPerUser = try env.budget(BudgetCatalog.activeRunsPerUser)
        queuedJobsPerUser = try env.budget(BudgetCatalog.queuedJobsPerUser)
        searchDepth = try env.budget(BudgetCatalog.searchDepth)
    }
}
