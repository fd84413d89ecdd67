extension BudgetCatalog {
    public static let importBytes = BudgetDefinition(
        "MAX_IMPORT_BYTES", default: 1 << 20, range: 1_024...(64 << 20), unit: "bytes", kind: .size,
        enforcedBy: ["cards-api"],
        summary: "UTF-8 size of one promptfoo config (YAML or JSON) given to POST /import/promptfoo")

    public static let importYAMLNodes = BudgetDefinition(
        "MAX_IMPORT_YAML_NODES", default: 200_000, range: 1_000...10_000_000, unit: "nodes", kind: .work,
        enforcedBy: ["cards-api"],
        summary: "nodes of one imported document with every alias expanded, counted on the parser's events "
            + "before any tree is built, so a few lines of nested aliases (billion laughs) are refused")

    public static let importYAMLDepth = BudgetDefinition(
        "MAX_IMPORT_YAML_DEPTH", default: 64, range: 8...256, unit: "levels", kind: .nesting,
        enforcedBy: ["cards-api"],
        summary: "how deep the sequences and mappings of one imported document may nest")

    public static let importTests = BudgetDefinition(
        "MAX_IMPORT_TESTS", default: 1_000, range: 1...100_000, unit: "test cases", kind: .count,
        enforcedBy: ["cards-api"],
        summary: "test cases one import creates, over all its cards, with list-valued vars' combinations counted "
            + "before they are expanded")

    static var imports: [BudgetDefinition] { [importBytes, importYAMLNodes, importYAMLDepth, importTests] }
}
