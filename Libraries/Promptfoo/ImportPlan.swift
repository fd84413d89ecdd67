import PromptCards

/// A test case as the importer plans it.
public struct PlannedTest: Sendable, Equatable {
    public var description: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    public var threshold: Double?

    public init(description: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) {
        self.description = description
        self.vars = vars
        self.assert = assert
        self.threshold = threshold
    }
}

/// A card as the importer plans it: one per representable prompt.
public struct PlannedCard: Sendable, Equatable {
    public var title: String
    public var description: String
    public var template: String
    public var tags: [String]
    /// The config's providers, as the suite's model names (`openai/gpt-4o-mini`, …).
    public var defaultModels: [String]
    public var tests: [PlannedTest]

    public init(title: String, description: String, template: String, tags: [String], defaultModels: [String], tests: [PlannedTest]) {
        self.title = title
        self.description = description
        self.template = template
        self.tags = tags
        self.defaultModels = defaultModels
        self.tests = tests
    }
}

/// What importing a config would create, and what it had to leave out.
public struct ImportPlan: Sendable, Equatable {
    public var cards: [PlannedCard]
    public var issues: [ImportIssue]
}
