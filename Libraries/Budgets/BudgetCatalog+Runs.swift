extension BudgetCatalog {
    static var runs: [BudgetDefinition] { [] }
}
