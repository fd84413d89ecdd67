extension BudgetCatalog {
    static var realtime: [BudgetDefinition] { [] }
}
