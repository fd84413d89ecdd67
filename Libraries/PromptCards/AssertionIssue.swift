/// A problem with an assertion found before running it, tied to the field at fault so an API
/// can answer 400 with field errors: `assert[2].value`, "regex: invalid pattern …".
public struct AssertionIssue: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Path of the offending field. Evaluators give it relative to the assertion (`value`);
    /// `AssertionEngine.validate` prefixes it (`assert[2].value`).
    public var field: String
    /// What is wrong, for people.
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    /// "field: reason".
    public var description: String { "\(field): \(reason)" }
}
