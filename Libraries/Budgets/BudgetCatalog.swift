/// Every budget of the suite, in one place, so names, defaults and docs/LIMITS.md cannot drift
/// (a test holds docs/LIMITS.md to this list). Each area keeps its definitions in its own
/// `BudgetCatalog+Area.swift`; add a new area's list to `all`.
public enum BudgetCatalog {
    public static var all: [BudgetDefinition] {
        templates + assertions + imports + runs + jobs + lists + gateway + realtime
    }

    /// The definition named `name`, if any.
    public static func definition(named name: String) -> BudgetDefinition? {
        all.first { $0.name == name }
    }
}
