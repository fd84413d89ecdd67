import Foundation
import JSONSchema

/// Runs a test case's assertions on a model's output and grades it the way promptfoo does.
///
/// - Each assertion scores between 0 and 1; `not-` inverts pass and score (1 − score).
/// - The test's score is the mean of the assertion scores weighted by `weight` (default 1).
///   An assertion of weight 0 is still run and reported, but always passes and adds nothing;
///   when every weight is 0 the score is 0 (promptfoo's rule).
/// - The test passes when every assertion passed, or, when the test has a `threshold`, when its
///   score reaches the threshold (a failing assertion can then be outweighed).
/// - An `assert-set` groups assertions: its score is their weighted mean, it passes by the same
///   rule with its own `threshold`, and it counts once in the test with its own `weight`.
/// - `namedScores` maps each `metric` to the weighted mean score of the assertions naming it.
/// - String values are templates: `{{name}}` is replaced from the test's variables first.
/// - No assertions: pass, score 1, reason "No assertions".
///
/// Deterministic types run synchronously. Model-graded types (`similar`, `llm-rubric`,
/// `factuality`, `answer-relevance`) need a `ModelGrader` and the async `evaluate`; without one
/// they fail with a reason saying so.
public struct AssertionEngine: Sendable {
    /// The types this engine knows.
    public let registry: AssertionRegistry

    public init(registry: AssertionRegistry = .standard) {
        self.registry = registry
    }

    /// An engine with the built-in types.
    public static let standard = AssertionEngine()

    // MARK: Evaluation without a grader

    /// Grades `output` against all of a test case's `assertions`; see the type's documentation for the rules.
    /// A test over one of `limits`' shape budgets fails as a whole, with the budget's reason, without
    /// running anything; the checks that run share one `WorkMeter`: `meter` when given (so the caller
    /// can ask it afterwards whether a work budget ran out), else a fresh one of `limits`.
    public func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                         context: AssertionContext = AssertionContext(),
                         limits: AssertionLimits = .standard, meter: WorkMeter? = nil) -> GradingResult {
        if let refused = Self.refusal(of: assertions, by: self, limits: limits) { return refused }
        let context = context.metered(by: meter ?? limits.meter())
        let results = assertions.map { evaluate(output: output, metered: $0, context: context, limits: limits) }
        return Self.combine(assertions, results, threshold: threshold)
    }

    /// Grades `output` against one assertion (or `assert-set`). Never throws: an unknown type, a
    /// bad value, an invalid regex or a budget gone over gives a failed result (score 0) whose
    /// reason says what is wrong.
    public func evaluate(output: String, assertion: Assertion, context: AssertionContext = AssertionContext(),
                         limits: AssertionLimits = .standard) -> GradingResult {
        if let refused = Self.refusal(of: [assertion], by: self, limits: limits) {
            return .failure(refused.reason, assertion: assertion)
        }
        return evaluate(output: output, metered: assertion, context: context.metered(by: limits.meter()),
                        limits: limits)
    }

    /// One assertion, its context already carrying the evaluation's meter.
    private func evaluate(output: String, metered assertion: Assertion, context: AssertionContext,
                          limits: AssertionLimits) -> GradingResult {
        switch prepare(assertion, context: context, limits: limits) {
        case .finished(let result):
            return result
        case .set(let children):
            let results = children.map { evaluate(output: output, metered: $0, context: context, limits: limits) }
            return Self.setResult(assertion, children, results)
        case .leaf(let leaf):
            let verdict = leaf.evaluator.evaluate(output: output, assertion: leaf.rendered, context: context)
            return leaf.result(verdict)
        }
    }

    /// Grades with the built-in types (`AssertionEngine.standard`).
    public static func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                                context: AssertionContext = AssertionContext(),
                                limits: AssertionLimits = .standard, meter: WorkMeter? = nil) -> GradingResult {
        standard.evaluate(output: output, assertions: assertions, threshold: threshold, context: context,
                          limits: limits, meter: meter)
    }

    // MARK: Evaluation with a grader

    /// Like `evaluate(output:assertions:threshold:context:limits:)`, with `grader` answering the
    /// model-graded types. Assertions run one after another, in order; between two of them the
    /// task yields, so that a long list of costly checks (each bounded on its own, and all
    /// together by `limits`) never holds a thread of the cooperative pool for long.
    public func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                         context: AssertionContext = AssertionContext(), grader: any ModelGrader,
                         limits: AssertionLimits = .standard, meter: WorkMeter? = nil) async -> GradingResult {
        if let refused = Self.refusal(of: assertions, by: self, limits: limits) { return refused }
        let context = context.metered(by: meter ?? limits.meter())
        var results: [GradingResult] = []
        for assertion in assertions {
            results.append(await evaluate(output: output, metered: assertion, context: context, grader: grader,
                                          limits: limits))
            await Task.yield()
        }
        return Self.combine(assertions, results, threshold: threshold)
    }

    /// Like `evaluate(output:assertion:context:limits:)`, with `grader` answering model-graded types.
    public func evaluate(output: String, assertion: Assertion, context: AssertionContext = AssertionContext(),
                         grader: any ModelGrader, limits: AssertionLimits = .standard) async -> GradingResult {
        if let refused = Self.refusal(of: [assertion], by: self, limits: limits) {
            return .failure(refused.reason, assertion: assertion)
        }
        return await evaluate(output: output, metered: assertion, context: context.metered(by: limits.meter()),
                              grader: grader, limits: limits)
    }

    private func evaluate(output: String, metered assertion: Assertion, context: AssertionContext,
                          grader: any ModelGrader, limits: AssertionLimits) async -> GradingResult {
        switch prepare(assertion, context: context, limits: limits) {
        case .finished(let result):
            return result
        case .set(let children):
            var results: [GradingResult] = []
            for child in children {
                results.append(await evaluate(output: output, metered: child, context: context, grader: grader,
                                              limits: limits))
            }
            return Self.setResult(assertion, children, results)
        case .leaf(let leaf):
            let verdict: AssertionVerdict
            if let graded = leaf.evaluator as? any ModelGradedEvaluator {
                verdict = await graded.grade(output: output, assertion: leaf.rendered, context: context, grader: grader)
            } else {
                verdict = leaf.evaluator.evaluate(output: output, assertion: leaf.rendered, context: context)
            }
            return leaf.result(verdict)
        }
    }

    /// Grades with the built-in types and `grader`.
    public static func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                                context: AssertionContext = AssertionContext(), grader: any ModelGrader,
                                limits: AssertionLimits = .standard, meter: WorkMeter? = nil) async -> GradingResult {
        await standard.evaluate(output: output, assertions: assertions, threshold: threshold, context: context,
                                grader: grader, limits: limits, meter: meter)
    }

    /// Whether any of `assertions` (sets included) is of a model-graded type, so a caller knows
    /// whether it needs a grader.
    public func needsGrader(_ assertions: [Assertion]) -> Bool {
        assertions.contains { assertion in
            if let children = assertion.assert, assertion.type == AssertionType.setTypeName { return needsGrader(children) }
            guard let type = try? AssertionType(parsing: assertion.type, registry: registry) else { return false }
            return registry.evaluator(named: type.baseName) is any ModelGradedEvaluator
        }
    }

    // MARK: One assertion

    /// An assertion ready to run: its evaluator, its value rendered with the test's variables.
    struct Leaf {
        let assertion: Assertion
        let rendered: Assertion
        let type: AssertionType
        let evaluator: any AssertionEvaluator

        /// The result for `verdict`, inverted for `not-` types.
        func result(_ verdict: AssertionVerdict) -> GradingResult {
            var metadata: [String: JSONValue] = [:]
            if rendered.value != assertion.value, let value = rendered.value { metadata["renderedAssertionValue"] = value }
            let result: GradingResult
            switch verdict {
            case .error(let reason):
                result = .failure(reason, assertion: assertion)
            case .failedCheck(let reason, let details):
                metadata.merge(details) { _, new in new }
                result = .failure(reason, assertion: assertion)
            case .checked(let pass, let score, let expectation):
                let passed = pass != type.isNegated
                let finalScore = type.isNegated ? 1 - score : score
                let expected = "output to \(type.isNegated ? "not " : "")\(expectation)"
                let reason = passed ? "Assertion passed: expected \(expected)" : "Expected \(expected)"
                result = GradingResult(pass: passed, score: finalScore, reason: reason, assertion: assertion)
            case .measured(let pass, let score, let detail, let negatedScore, let details):
                metadata.merge(details) { _, new in new }
                let passed = pass != type.isNegated
                let finalScore = type.isNegated ? (negatedScore ?? 1 - score) : score
                let reason: String
                if passed {
                    reason = "Assertion passed: \(detail)"
                } else if type.isNegated {
                    reason = "\(detail), but \(type.name) expects the opposite"
                } else {
                    reason = detail
                }
                result = GradingResult(pass: passed, score: finalScore, reason: reason, assertion: assertion)
            }
            var final = result
            if !metadata.isEmpty { final.metadata = metadata }
            return final
        }
    }

    enum Prepared {
        case finished(GradingResult)
        case set([Assertion])
        case leaf(Leaf)
    }

    /// Parses the type, checks the fields every type shares, and renders the value (within
    /// `limits.renderedValueBytes`).
    func prepare(_ assertion: Assertion, context: AssertionContext, limits: AssertionLimits) -> Prepared {
        if assertion.type == AssertionType.setTypeName {
            if let issue = Self.weightIssue(assertion) { return .finished(.failure(issue.reason, assertion: assertion)) }
            guard let children = assertion.assert, !children.isEmpty else {
                return .finished(.failure("assert-set: \"assert\" must list at least one assertion", assertion: assertion))
            }
            return .set(children)
        }
        if assertion.type == AssertionType.negationPrefix + AssertionType.setTypeName {
            return .finished(.failure("assert-set cannot be negated", assertion: assertion))
        }
        let type: AssertionType
        do {
            type = try AssertionType(parsing: assertion.type, registry: registry)
        } catch {
            return .finished(.failure(error.reason, assertion: assertion))
        }
        if let issue = Self.weightIssue(assertion) {
            return .finished(.failure(issue.reason, assertion: assertion))
        }
        if assertion.transform != nil {
            return .finished(.failure("\(assertion.type): \(Self.transformReason)", assertion: assertion))
        }
        guard let evaluator = registry.evaluator(named: type.baseName) else {
            return .finished(.failure(AssertionTypeError(type: assertion.type).reason, assertion: assertion))
        }
        var rendered = assertion
        do {
            rendered.value = try assertion.value.map { value throws(BudgetExceeded) in
                try Self.render(value, vars: context.vars, budget: limits.renderedValueBytes)
            }
        } catch {
            return .finished(.failure("\(assertion.type): \(error.reason)", assertion: assertion))
        }
        return .leaf(Leaf(assertion: assertion, rendered: rendered, type: type, evaluator: evaluator))
    }

    /// Why `transform` is refused.
    static let transformReason = "transform is not supported (it is JavaScript, and this system does not run user code)"

    /// `value` with `{{name}}` placeholders in its strings (and in the strings of an array)
    /// replaced from `vars`, as promptfoo renders assertion values. A string that is not a
    /// valid template stays as written. `budget` caps the UTF-8 size of all the rendered strings
    /// of the value together, and rendering stops as soon as they would pass it.
    static func render(_ value: JSONValue, vars: [String: JSONValue],
                       budget: Budget) throws(BudgetExceeded) -> JSONValue {
        var size = 0
        func rendered(_ text: String) throws(BudgetExceeded) -> String {
            guard text.contains("{{"), let template = try? PromptTemplate(text) else { return text }
            let result = try template.render(vars, budget: budget)
            size += result.utf8.count
            try budget.check(size, "the rendered assertion value")
            return result
        }
        switch value {
        case .string(let text):
            return .string(try rendered(text))
        case .array(let elements):
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for element in elements {
                if case .string(let text) = element {
                    out.append(.string(try rendered(text)))
                } else {
                    out.append(element)
                }
            }
            return .array(out)
        default:
            return value
        }
    }

    /// A weight must be a finite number ≥ 0; an assertion with a bad one fails and counts with weight 1.
    static func weightIssue(_ assertion: Assertion) -> AssertionIssue? {
        guard let weight = assertion.weight, !(weight.isFinite && weight >= 0) else { return nil }
        return AssertionIssue(field: "weight", reason: "weight must be a finite number ≥ 0")
    }
}
