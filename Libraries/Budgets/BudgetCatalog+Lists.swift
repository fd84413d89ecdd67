extension BudgetCatalog {
    public static let searchDepth = BudgetDefinition(
        "MAX_SEARCH_DEPTH", default: 10_000, range: 100...1_000_000, unit: "results", kind: .count,
        enforcedBy: ["cards-api"],
        summary: "how far full-text search results may be paged (ranked results page by offset, whose cost grows "
            + "with it); narrow the query to see more")

    static var lists: [BudgetDefinition] { [searchDepth] }
}
