extension BudgetCatalog {
    static var imports: [BudgetDefinition] { [] }
}
