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
        ContainsListEvaluator(mode: .any, ignoresCase: false),
        ContainsListEvaluator(mode: .all, ignoresCase: false),
        ContainsListEvaluator(mode: .any, ignoresCase: true),
        ContainsListEvaluator(mode: .all, ignoresCase: true),
        StartsWithEvaluator(),
        RegexEvaluator(),
        IsJSONEvaluator(),
        ContainsJSONEvaluator(),
        IsXMLEvaluator(),
        ContainsXMLEvaluator(),
        LevenshteinEvaluator(),
        RougeNEvaluator(),
        BLEUEvaluator(),
        LatencyEvaluator(),
        CostEvaluator(),
        FinishReasonEvaluator(),
        IsRefusalEvaluator(),
        OpenAIToolsCallEvaluator(),
        // Model-graded: need a `ModelGrader`.
        SimilarEvaluator(),
        SimilarEvaluator(metric: .cosine, spelledWithMetric: true),
        SimilarEvaluator(metric: .dot, spelledWithMetric: true),
        SimilarEvaluator(metric: .euclidean, spelledWithMetric: true),
        LLMRubricEvaluator(),
        FactualityEvaluator(),
        AnswerRelevanceEvaluator(),
    ] + UnsupportedEvaluator.all

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
