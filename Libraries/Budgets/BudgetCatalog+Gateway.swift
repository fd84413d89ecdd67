extension BudgetCatalog {
    static var gateway: [BudgetDefinition] { [] }
}
