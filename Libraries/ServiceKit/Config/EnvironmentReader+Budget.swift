import Budgets

extension EnvironmentReader {
    /// The budget `definition` as configured: its variable if set (within its range), else its default.
    public func budget(_ definition: BudgetDefinition) throws(ConfigError) -> Budget {
        definition.budget(limit: try int(definition.name, default: definition.defaultLimit, range: definition.range))
    }
}
