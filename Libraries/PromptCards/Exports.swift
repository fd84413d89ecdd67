// `JSONValue` lives in JSONCore so that the schema validator can use it too; every user of
// PromptCards keeps seeing it through `import PromptCards`.
@_exported import JSONCore
// Budgets appear in this module's API (`PromptTemplate.render(_:budget:)`, `AssertionLimits`),
// so its users see `Budget` and `BudgetExceeded` too.
@_exported import Budgets
