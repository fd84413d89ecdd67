import PromptCards

/// A card as the importer plans it: one per representable prompt.
public struct PlannedCard: Sendable, Equatable {
    public var title: String
    public var description: String
    public var template: String
    public var tags: [String]
    /// The config's providers, as the suite's model names (`openai/gpt-4o-mini`, …).
    public var defaultModels: [String]
    public var tests: [TestCaseContent]
    /// Where in the config each of `tests` came from (`tests[2]`), in the same order, so a test
    /// the API refuses is named the way its author wrote it.
    public var testPaths: [String]

    public init(title: String, description: String, template: String, tags: [String], defaultModels: [String],
                tests: [TestCaseContent], testPaths: [String]) {
        self.title = title
        self.description = description
        self.template = template
        self.tags = tags
        self.defaultModels = defaultModels
        self.tests = tests
        self.testPaths = testPaths
    }
}

/// What importing a config would create, and what it had to leave out.
public struct ImportPlan: Sendable, Equatable {
    public var cards: [PlannedCard]
    public var issues: [ImportIssue]
}
