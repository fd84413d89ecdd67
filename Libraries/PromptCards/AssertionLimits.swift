import JSONSchema

/// The budgets the assertion engine enforces on one test case, as a daemon read them from its
/// environment (`EnvironmentReader.budget`) or at the catalog's defaults (`standard`).
///
/// The shape budgets (how many assertions, how deep, how many model-graded) are checked before
/// anything runs, by `AssertionEngine.checkLimits` for an API's answer and again by `evaluate`
/// for what arrives in a job; the work budgets (rendered size, schema steps, regex time) are
/// spent while the checks run, through one `WorkMeter` per evaluation.
public struct AssertionLimits: Sendable, Hashable {
    /// UTF-8 size of one rendered assertion value (`MAX_RENDERED_PROMPT_BYTES`).
    public var renderedValueBytes: Budget
    /// Assertions in one test, counted through every assert-set (`MAX_ASSERTIONS_PER_TEST`).
    public var assertionsPerTest: Budget
    /// How deep assert-sets nest (`MAX_ASSERT_SET_DEPTH`).
    public var assertSetDepth: Budget
    /// Model-graded assertions in one test (`MAX_MODEL_GRADED_ASSERTIONS_PER_TEST`).
    public var modelGradedPerTest: Budget
    /// One regex search (`MAX_REGEX_MATCH_MS`).
    public var regexMatch: Budget
    /// Regex time of one test's whole evaluation (`MAX_REGEX_MS_PER_TEST`).
    public var regexTimePerTest: Budget
    /// JSON Schema steps of one test's evaluation, and of compiling one schema (`MAX_SCHEMA_STEPS`).
    public var schemaSteps: Budget

    public init(renderedValueBytes: Budget, assertionsPerTest: Budget, assertSetDepth: Budget,
                modelGradedPerTest: Budget, regexMatch: Budget, regexTimePerTest: Budget, schemaSteps: Budget) {
        self.renderedValueBytes = renderedValueBytes
        self.assertionsPerTest = assertionsPerTest
        self.assertSetDepth = assertSetDepth
        self.modelGradedPerTest = modelGradedPerTest
        self.regexMatch = regexMatch
        self.regexTimePerTest = regexTimePerTest
        self.schemaSteps = schemaSteps
    }

    /// The limits with each budget as `budget` gives it for its catalog definition; a daemon
    /// passes `EnvironmentReader.budget` (`AssertionLimits(reading: env.budget)`), so this is
    /// the one place that knows which budgets make up the assertion limits.
    public init<Failure: Error>(reading budget: (BudgetDefinition) throws(Failure) -> Budget) throws(Failure) {
        self.init(renderedValueBytes: try budget(BudgetCatalog.renderedPromptBytes),
                  assertionsPerTest: try budget(BudgetCatalog.assertionsPerTest),
                  assertSetDepth: try budget(BudgetCatalog.assertSetDepth),
                  modelGradedPerTest: try budget(BudgetCatalog.modelGradedAssertionsPerTest),
                  regexMatch: try budget(BudgetCatalog.regexMatchMilliseconds),
                  regexTimePerTest: try budget(BudgetCatalog.regexMillisecondsPerTest),
                  schemaSteps: try budget(BudgetCatalog.schemaSteps))
    }

    /// Every budget at the catalog's default.
    public static let standard = AssertionLimits(reading: \.standard)

    /// A fresh meter for one evaluation's schema steps and regex time.
    public func meter() -> WorkMeter {
        WorkMeter(schemaSteps: schemaSteps, regexTime: regexTimePerTest, regexMatch: regexMatch)
    }
}
