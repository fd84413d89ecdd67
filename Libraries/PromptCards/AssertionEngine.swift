import Foundation

/// Runs a test case's assertions on a model's output and grades it the way promptfoo does.
///
/// - Each assertion scores between 0 and 1 (0 or 1 for the current types); `not-` inverts pass and score.
/// - The test's score is the mean of the assertion scores weighted by `weight` (default 1).
///   An assertion of weight 0 is still run and reported, but counts as passed and adds nothing.
///   When every weight is 0 the score is 1.
/// - The test passes when every assertion passed, or, when the test has a `threshold`, when its
///   score reaches the threshold (a failing assertion can then be outweighed).
/// - `namedScores` maps each `metric` to the weighted mean score of the assertions naming it.
/// - No assertions: pass, score 1, reason "No assertions".
public struct AssertionEngine: Sendable {
    /// The types this engine knows.
    public let registry: AssertionRegistry

    public init(registry: AssertionRegistry = .standard) {
        self.registry = registry
    }

    /// An engine with the built-in types.
    public static let standard = AssertionEngine()

    // MARK: Evaluation

    /// Grades `output` against all of a test case's `assertions`; see the type's documentation for the rules.
    public func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                         context: AssertionContext = AssertionContext()) -> GradingResult {
        guard !assertions.isEmpty else {
            return GradingResult(pass: true, score: 1, reason: "No assertions", componentResults: [])
        }

        var components: [GradingResult] = []
        var weightedScore = 0.0
        var totalWeight = 0.0
        var failures: [String] = []
        var ignoredFailures: [String] = []
        var metricSums: [String: (weighted: Double, weight: Double, plain: Double, count: Double)] = [:]

        for assertion in assertions {
            let result = evaluate(output: output, assertion: assertion, context: context)
            components.append(result)
            let weight = Self.weightIssue(assertion) == nil ? assertion.effectiveWeight : 1
            weightedScore += result.score * weight
            totalWeight += weight
            if !result.pass {
                if weight == 0 { ignoredFailures.append(result.reason) } else { failures.append(result.reason) }
            }
            if let metric = assertion.metric, !metric.isEmpty {
                var sums = metricSums[metric] ?? (0, 0, 0, 0)
                sums.weighted += result.score * weight
                sums.weight += weight
                sums.plain += result.score
                sums.count += 1
                metricSums[metric] = sums
            }
        }

        let score = totalWeight > 0 ? weightedScore / totalWeight : (failures.isEmpty ? 1 : 0)
        let namedScores = metricSums.mapValues { $0.weight > 0 ? $0.weighted / $0.weight : $0.plain / $0.count }
        let summary = Self.summary(failures: failures, ignored: ignoredFailures, total: assertions.count)

        let pass: Bool
        let reason: String
        if let threshold, !threshold.isNaN {
            pass = score >= threshold
            let comparison = "Aggregate score \(String(format: "%.2f", score)) \(pass ? "≥" : "<") \(JSONValue.numberText(threshold)) threshold"
            reason = failures.isEmpty ? comparison : "\(comparison) (\(summary))"
        } else {
            pass = failures.isEmpty
            reason = summary
        }
        return GradingResult(pass: pass, score: score, reason: reason, componentResults: components, namedScores: namedScores)
    }

    /// Grades `output` against one assertion. Never throws: an unknown type, a bad value or an
    /// invalid regex gives a failed result (score 0) whose reason says what is wrong.
    public func evaluate(output: String, assertion: Assertion, context: AssertionContext = AssertionContext()) -> GradingResult {
        let type: AssertionType
        do {
            type = try AssertionType(parsing: assertion.type, registry: registry)
        } catch {
            return .failure(error.reason, assertion: assertion)
        }
        if let issue = Self.weightIssue(assertion) {
            return .failure(issue.reason, assertion: assertion)
        }
        guard let evaluator = registry.evaluator(named: type.baseName) else {
            return .failure(AssertionTypeError(type: assertion.type).reason, assertion: assertion)
        }

        switch evaluator.evaluate(output: output, assertion: assertion, context: context) {
        case .error(let reason):
            return .failure(reason, assertion: assertion)
        case .checked(let pass, let score, let expectation):
            let passed = pass != type.isNegated
            let finalScore = type.isNegated ? 1 - score : score
            let expected = "output to \(type.isNegated ? "not " : "")\(expectation)"
            let reason = passed ? "Assertion passed: expected \(expected)" : "Expected \(expected)"
            return GradingResult(pass: passed, score: finalScore, reason: reason, assertion: assertion)
        }
    }

    /// Grades with the built-in types (`AssertionEngine.standard`).
    public static func evaluate(output: String, assertions: [Assertion], threshold: Double?,
                                context: AssertionContext = AssertionContext()) -> GradingResult {
        standard.evaluate(output: output, assertions: assertions, threshold: threshold, context: context)
    }

    // MARK: Validation

    /// Every problem in `assertions` that would make them fail regardless of the output, with
    /// field paths under `fieldPrefix` (`assert[2].value`), for an API's 400 answer. Empty when all are valid.
    public func validate(_ assertions: [Assertion], fieldPrefix: String = "assert") -> [AssertionIssue] {
        var issues: [AssertionIssue] = []
        for (index, assertion) in assertions.enumerated() {
            let path = "\(fieldPrefix)[\(index)]"
            if let issue = Self.weightIssue(assertion) {
                issues.append(AssertionIssue(field: "\(path).\(issue.field)", reason: issue.reason))
            }
            if let threshold = assertion.threshold, !threshold.isFinite {
                issues.append(AssertionIssue(field: "\(path).threshold", reason: "threshold must be a finite number"))
            }
            let type: AssertionType
            do {
                type = try AssertionType(parsing: assertion.type, registry: registry)
            } catch {
                issues.append(AssertionIssue(field: "\(path).type", reason: error.reason))
                continue
            }
            for issue in registry.evaluator(named: type.baseName)?.validate(assertion) ?? [] {
                issues.append(AssertionIssue(field: "\(path).\(issue.field)", reason: "\(type.name): \(issue.reason)"))
            }
        }
        return issues
    }

    /// Validates with the built-in types (`AssertionEngine.standard`).
    public static func validate(_ assertions: [Assertion], fieldPrefix: String = "assert") -> [AssertionIssue] {
        standard.validate(assertions, fieldPrefix: fieldPrefix)
    }

    // MARK: Helpers

    /// A weight must be a finite number ≥ 0; an assertion with a bad one fails and counts with weight 1.
    private static func weightIssue(_ assertion: Assertion) -> AssertionIssue? {
        guard let weight = assertion.weight, !(weight.isFinite && weight >= 0) else { return nil }
        return AssertionIssue(field: "weight", reason: "weight must be a finite number ≥ 0")
    }

    /// "All assertions passed" or "2 of 3 assertions failed: reason; reason", plus failures that did not count.
    private static func summary(failures: [String], ignored: [String], total: Int) -> String {
        var text = failures.isEmpty
            ? "All assertions passed"
            : "\(failures.count) of \(total) \(total == 1 ? "assertion" : "assertions") failed: \(failures.joined(separator: "; "))"
        if !ignored.isEmpty {
            text += " (\(ignored.count) with weight 0 failed without counting: \(ignored.joined(separator: "; ")))"
        }
        return text
    }
}
