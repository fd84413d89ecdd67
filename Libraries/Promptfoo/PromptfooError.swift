/// Why a document is not a promptfoo config at all (as opposed to parts that cannot be
/// represented, which are `ImportIssue`s).
public struct PromptfooError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// 1-based position of a syntax error, when known.
    public var line: Int?
    public var column: Int?

    public init(reason: String, line: Int? = nil, column: Int? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
    }

    public var description: String {
        guard let line, let column else { return reason }
        return "\(reason) (line \(line), column \(column))"
    }
}
