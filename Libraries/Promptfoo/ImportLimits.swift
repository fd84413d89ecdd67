import Budgets

/// The budgets one promptfoo import is held to, as cards-api read them from its environment or
/// at the catalog's defaults (`standard`). All are checked before the costly step they guard:
/// the size before parsing, the expanded node count and nesting on the parser's events before
/// any tree is built, the number of tests before list-valued vars are expanded.
public struct ImportLimits: Sendable, Hashable {
    /// UTF-8 size of the config (`MAX_IMPORT_BYTES`).
    public var documentBytes: Budget
    /// Nodes of the document with every alias expanded (`MAX_IMPORT_YAML_NODES`).
    public var yamlNodes: Budget
    /// Nesting of sequences and mappings (`MAX_IMPORT_YAML_DEPTH`).
    public var yamlDepth: Budget
    /// Test cases the import creates over all its cards (`MAX_IMPORT_TESTS`).
    public var tests: Budget

    public init(documentBytes: Budget, yamlNodes: Budget, yamlDepth: Budget, tests: Budget) {
        self.documentBytes = documentBytes
        self.yamlNodes = yamlNodes
        self.yamlDepth = yamlDepth
        self.tests = tests
    }

    /// The limits with each budget as `budget` gives it for its catalog definition
    /// (`ImportLimits(reading: env.budget)` in a daemon).
    public init<Failure: Error>(reading budget: (BudgetDefinition) throws(Failure) -> Budget) throws(Failure) {
        self.init(documentBytes: try budget(BudgetCatalog.importBytes),
                  yamlNodes: try budget(BudgetCatalog.importYAMLNodes),
                  yamlDepth: try budget(BudgetCatalog.importYAMLDepth),
                  tests: try budget(BudgetCatalog.importTests))
    }

    /// Every budget at the catalog's default.
    public static let standard = ImportLimits(reading: \.standard)
}
