import Budgets

/// Why a document is not a promptfoo config at all (as opposed to parts that cannot be
/// represented, which are `ImportIssue`s), or why it is refused: then `exceeded` names the
/// budget it goes over, so an API answers the problem naming that limit.
public struct PromptfooError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// 1-based position of a syntax error, when known.
    public var line: Int?
    public var column: Int?
    /// The import budget the document goes over, when that is why it is refused.
    public var exceeded: BudgetExceeded?

    public init(reason: String, line: Int? = nil, column: Int? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
    }

    public init(_ exceeded: BudgetExceeded) {
        reason = exceeded.reason
        self.exceeded = exceeded
    }

    public var description: String {
        guard let line, let column else { return reason }
        return "\(reason) (line \(line), column \(column))"
    }
}
