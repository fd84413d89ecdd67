/// Something in a promptfoo config that could not be represented, with where it was.
public struct ImportIssue: Codable, Sendable, Equatable {
    /// A path into the config, e.g. `tests[2].assert[0]` or `prompts[1]`.
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}
