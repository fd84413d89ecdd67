/// What a test case says — variable values and the assertions on the answer — apart from
/// where it is stored. The API, the importer and the repositories all pass this one shape.
public struct TestCaseContent: Sendable, Equatable {
    public var description: String
    public var vars: [String: JSONValue]
    public var assert: [Assertion]
    /// A test-level pass mark on the weighted score; nil means every assertion must pass.
    public var threshold: Double?

    public init(description: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) {
        self.description = description
        self.vars = vars
        self.assert = assert
        self.threshold = threshold
    }
}
