extension BudgetCatalog {
    static var jobs: [BudgetDefinition] { [] }
}
