extension BudgetCatalog {
    static var assertions: [BudgetDefinition] { [] }
}
