/// A problem with an assertion found before running it, tied to the field at fault so an API
/// can answer 400 with field errors: `assert[2].value`, "regex: invalid pattern …".
public struct AssertionIssue: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path of the offending field. Evaluators give it relative to the assertion (`value`);
    /// `AssertionEngine.validate` prefixes it (`assert[2].value`).
    public var field: String
    /// What is wrong, for people.
    public var reason: String
    /// Set when what is wrong is a budget gone over (a schema too costly to compile), so an API
    /// answers the problem naming that limit rather than a plain 400.
    public var exceeded: BudgetExceeded? = nil

    public init(field: String, reason: String, exceeded: BudgetExceeded? = nil) {
        self.field = field
        self.reason = reason
        self.exceeded = exceeded
    }

    enum CodingKeys: String, CodingKey {
        case field, reason
    }

    /// "field: reason".
    public var description: String { "\(field): \(reason)" }
}
