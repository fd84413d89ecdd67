import Foundation

/// How assertion results add up to a test's (or an `assert-set`'s) result.
extension AssertionEngine {
    /// The combined result of `results` (one per assertion of `assertions`): weighted mean
    /// score, pass by `threshold` or by every counted assertion passing, named scores, and a
    /// reason summarising the failures. Weight-0 results are marked passed here.
    static func combine(_ assertions: [Assertion], _ results: [GradingResult], threshold: Double?) -> GradingResult {
        guard !assertions.isEmpty else {
            return GradingResult(pass: true, score: 1, reason: "No assertions", componentResults: [])
        }
        var components: [GradingResult] = []
        var weightedScore = 0.0
        var totalWeight = 0.0
        var failures: [String] = []
        var ignoredFailures: [String] = []
        var metricSums: [String: (weighted: Double, weight: Double, plain: Double, count: Double)] = [:]

        func addMetric(_ name: String, score: Double, weight: Double) {
            var sums = metricSums[name] ?? (0, 0, 0, 0)
            sums.weighted += score * weight
            sums.weight += weight
            sums.plain += score
            sums.count += 1
            metricSums[name] = sums
        }

        for (assertion, result) in zip(assertions, results) {
            var component = result
            let weight = weightIssue(assertion) == nil ? assertion.effectiveWeight : 1
            weightedScore += result.score * weight
            totalWeight += weight
            if !result.pass {
                if weight == 0 {
                    ignoredFailures.append(result.reason)
                    // promptfoo: an assertion of weight 0 always passes.
                    component.pass = true
                    component.reason += " (weight 0: reported, not counted)"
                } else {
                    failures.append(result.reason)
                }
            }
            if let metric = assertion.metric, !metric.isEmpty {
                addMetric(metric, score: result.score, weight: weight)
            }
            for (name, score) in result.namedScores.sorted(by: { $0.key < $1.key }) where name != assertion.metric {
                addMetric(name, score: score, weight: weight)
            }
            components.append(component)
        }

        let score = totalWeight > 0 ? weightedScore / totalWeight : 0
        let namedScores = metricSums.mapValues { $0.weight > 0 ? $0.weighted / $0.weight : $0.plain / $0.count }
        let summary = summary(failures: failures, ignored: ignoredFailures, total: assertions.count)

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

    /// The result of an `assert-set`: its children combined with the set's own threshold.
    static func setResult(_ set: Assertion, _ children: [Assertion], _ results: [GradingResult]) -> GradingResult {
        var result = combine(children, results, threshold: set.threshold)
        result.assertion = set
        result.reason = "assert-set: \(result.reason)"
        return result
    }

    /// "All assertions passed" or "2 of 3 assertions failed: reason; reason", plus failures that did not count.
    static func summary(failures: [String], ignored: [String], total: Int) -> String {
        var text = failures.isEmpty
            ? "All assertions passed"
            : "\(failures.count) of \(total) \(total == 1 ? "assertion" : "assertions") failed: \(failures.joined(separator: "; "))"
        if !ignored.isEmpty {
            text += " (\(ignored.count) with weight 0 failed without counting: \(ignored.joined(separator: "; ")))"
        }
        return text
    }
}
