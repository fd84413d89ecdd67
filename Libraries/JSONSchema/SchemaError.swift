import Budgets

/// A schema that cannot be used: a keyword with a value of the wrong shape, a pattern that does
/// not compile, a `$ref` that leads nowhere. `path` says where, relative to the schema's root
/// (`properties.age.minimum`, `allOf[1].$ref`; empty for the root itself), so an API can
/// answer 400 with the field at fault. A schema too costly to compile is one too: then
/// `exceeded` names the budget (`MAX_SCHEMA_STEPS`), so an API can answer the problem for it.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the schema, as dotted keys and `[index]` steps; empty for the root.
    public let path: String
    /// What is wrong, for people.
    public let reason: String
    /// The budget compiling went over, when that is what is wrong.
    public let exceeded: BudgetExceeded?

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
        exceeded = nil
    }

    public init(_ exceeded: BudgetExceeded) {
        path = ""
        reason = exceeded.reason
        self.exceeded = exceeded
    }

    /// "path: reason", or the reason alone at the root.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// One way an instance fails its schema, located both in the instance (`instancePath`, a JSON
/// pointer such as `/items/2/name`, empty for the whole instance) and in the schema
/// (`keywordPath`, such as `/properties/items/items/required`).
public struct ValidationError: Sendable, Hashable, CustomStringConvertible {
    public let instancePath: String
    public let keywordPath: String
    /// What the instance does wrong: `must be <= 90`.
    public let message: String

    public init(instancePath: String, keywordPath: String, message: String) {
        self.instancePath = instancePath
        self.keywordPath = keywordPath
        self.message = message
    }

    /// "/latitude must be <= 90", or "(root) must be object".
    public var description: String { "\(instancePath.isEmpty ? "(root)" : instancePath) \(message)" }
}
