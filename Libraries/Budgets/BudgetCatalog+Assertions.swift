extension BudgetCatalog {
    public static let assertionsPerTest = BudgetDefinition(
        "MAX_ASSERTIONS_PER_TEST", default: 100, range: 1...10_000, unit: "assertions", kind: .count,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "assertions in one test case (or one /assertions/evaluate request), counted through every "
            + "assert-set, so nesting cannot hide thousands of checks behind one top-level entry")

    public static let assertSetDepth = BudgetDefinition(
        "MAX_ASSERT_SET_DEPTH", default: 3, range: 1...32, unit: "levels", kind: .nesting,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "how deep assert-sets may nest inside one another (an assert-set at the top level is 1)")

    public static let modelGradedAssertionsPerTest = BudgetDefinition(
        "MAX_MODEL_GRADED_ASSERTIONS_PER_TEST", default: 10, range: 0...100, unit: "assertions", kind: .count,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "model-graded assertions (llm-rubric, similar, factuality, answer-relevance) in one test case, "
            + "assert-sets included: each one is an LLM call")

    public static let regexMatchMilliseconds = BudgetDefinition(
        "MAX_REGEX_MATCH_MS", default: 250, range: 1...10_000, unit: "ms", kind: .time,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "CPU time of one regular-expression search (a regex assertion, a JSON Schema pattern), "
            + "checked between the regex engine's steps")

    public static let regexMillisecondsPerTest = BudgetDefinition(
        "MAX_REGEX_MS_PER_TEST", default: 1_000, range: 1...60_000, unit: "ms", kind: .time,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "regular-expression CPU time of one test case's whole evaluation, every regex assertion and "
            + "schema pattern together, so many slow patterns cannot add up to minutes of CPU")

    public static let schemaSteps = BudgetDefinition(
        "MAX_SCHEMA_STEPS", default: 100_000, range: 1_000...100_000_000, unit: "steps", kind: .work,
        enforcedBy: ["cards-api", "queue-worker"],
        summary: "JSON Schema work: subschema evaluations and pattern searches of one test case's evaluation "
            + "(all its schema assertions together), and index entries of compiling one schema, so "
            + "allOf/$ref fan-out (4^30 evaluations) stops early")

    static var assertions: [BudgetDefinition] {
        [assertionsPerTest, assertSetDepth, modelGradedAssertionsPerTest, regexMatchMilliseconds,
         regexMillisecondsPerTest, schemaSteps]
    }
}
