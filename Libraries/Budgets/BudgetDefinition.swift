/// A budget as the catalog defines it: its variable, default, allowed range and meaning.
/// `EnvironmentReader.budget(_:)` (ServiceKit) turns one into a `Budget` with the value in force.
public struct BudgetDefinition: Sendable, Hashable {
    /// The environment variable, also the budget's name.
    public let name: String
    public let defaultLimit: Int
    /// What an operator may set.
    public let range: ClosedRange<Int>
    public let unit: String
    public let kind: Budget.Kind
    /// The daemons that enforce it, as README names them.
    public let enforcedBy: [String]
    /// One sentence for docs/LIMITS.md: what it bounds and why.
    public let summary: String

    public init(_ name: String, default defaultLimit: Int, range: ClosedRange<Int>, unit: String, kind: Budget.Kind,
                enforcedBy: [String], summary: String) {
        precondition(range.contains(defaultLimit), "\(name): default outside its range")
        self.name = name
        self.defaultLimit = defaultLimit
        self.range = range
        self.unit = unit
        self.kind = kind
        self.enforcedBy = enforcedBy
        self.summary = summary
    }

    /// The budget at its default, for pure code and tests that read no environment.
    public var standard: Budget { Budget(name: name, limit: defaultLimit, unit: unit, kind: kind) }

    /// The budget at `limit` (already validated against `range` by the caller).
    public func budget(limit: Int) -> Budget { Budget(name: name, limit: limit, unit: unit, kind: kind) }
}
