/// The table from type name to evaluator that the engine looks types up in.
public struct AssertionRegistry: Sendable {
    private var evaluators: [String: any AssertionEvaluator]

    /// A registry of `evaluators`; a later one replaces an earlier one with the same type name.
    public init(_ evaluators: [any AssertionEvaluator]) {
        self.evaluators = [:]
        for evaluator in evaluators { register(evaluator) }
    }

    /// Every type this module implements.
    public static let builtIn: [any AssertionEvaluator] = [
        EqualsEvaluator(),
        ContainsEvaluator(),
        IContainsEvaluator(),
        RegexEvaluator(),
    ]

    /// The registry of the built-in types.
    public static let standard = AssertionRegistry(builtIn)

    /// Adds `evaluator`, replacing any with the same type name.
    public mutating func register(_ evaluator: any AssertionEvaluator) {
        evaluators[evaluator.typeName] = evaluator
    }

    /// The evaluator for a base type name (without `not-`).
    public func evaluator(named baseName: String) -> (any AssertionEvaluator)? {
        evaluators[baseName]
    }

    /// The known base type names, sorted.
    public var typeNames: [String] { evaluators.keys.sorted() }
}
