import PromptCards
import Promptfoo
import ServiceKit

/// The budgets cards-api enforces on test cases, `/assertions/evaluate` and promptfoo imports,
/// read once from the environment (each variable within its catalog range) and passed to the
/// controllers; over one is a 4xx problem naming it.
public struct CardsAPILimits: Sendable {
    /// Assertions of a test case or an evaluate request: how many, how deep, how many
    /// model-graded, and the rendered size, schema steps and regex time of an evaluation.
    public var assertions: AssertionLimits
    /// A promptfoo import: document size, expanded YAML nodes and nesting, tests created.
    public var imports: ImportLimits

    public init(assertions: AssertionLimits = .standard, imports: ImportLimits = .standard) {
        self.assertions = assertions
        self.imports = imports
    }

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        assertions = try AssertionLimits(reading: env.budget)
        imports = try ImportLimits(reading: env.budget)
    }
}
