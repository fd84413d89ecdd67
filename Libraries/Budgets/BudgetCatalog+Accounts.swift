extension BudgetCatalog {
    static var accounts: [BudgetDefinition] { [] }
}
