/// Finding the problems of a test case's assertions before running them.
extension AssertionEngine {
    /// Every problem in `assertions` that would make them fail regardless of the output, with
    /// field paths under `fieldPrefix` (`assert[2].value`, `assert[0].assert[1].type` inside an
    /// `assert-set`), for an API's 400 answer. Empty when all are valid. Schemas are compiled
    /// within `limits.schemaSteps`; one too costly is an issue carrying that budget (`exceeded`).
    public func validate(_ assertions: [Assertion], fieldPrefix: String = "assert",
                         limits: AssertionLimits = .standard) -> [AssertionIssue] {
        var issues: [AssertionIssue] = []
        for (index, assertion) in assertions.enumerated() {
            let path = "\(fieldPrefix)[\(index)]"
            if let issue = Self.weightIssue(assertion) {
                issues.append(AssertionIssue(field: "\(path).\(issue.field)", reason: issue.reason))
            }
            if let threshold = assertion.threshold, !threshold.isFinite {
                issues.append(AssertionIssue(field: "\(path).threshold", reason: "threshold must be a finite number"))
            }
            if assertion.type == AssertionType.setTypeName {
                issues += validateSet(assertion, path: path, limits: limits)
                continue
            }
            if assertion.type == AssertionType.negationPrefix + AssertionType.setTypeName {
                issues.append(AssertionIssue(field: "\(path).type", reason: "assert-set cannot be negated"))
                continue
            }
            let type: AssertionType
            do {
                type = try AssertionType(parsing: assertion.type, registry: registry)
            } catch {
                issues.append(AssertionIssue(field: "\(path).type", reason: error.reason))
                continue
            }
            if assertion.transform != nil {
                issues.append(AssertionIssue(field: "\(path).transform", reason: "\(type.name): \(Self.transformReason)"))
            }
            if assertion.assert != nil {
                issues.append(AssertionIssue(field: "\(path).assert", reason: "\(type.name): only an assert-set has \"assert\""))
            }
            let evaluator = registry.evaluator(named: type.baseName)
            if let provider = assertion.provider {
                if !(evaluator is any ModelGradedEvaluator) {
                    issues.append(AssertionIssue(field: "\(path).provider", reason: "\(type.name): only model-graded types take a provider"))
                } else if let reason = GraderProvider.problem(provider) {
                    issues.append(AssertionIssue(field: "\(path).provider", reason: "\(type.name): \(reason)"))
                }
            }
            for issue in evaluator?.validate(assertion, limits: limits) ?? [] {
                issues.append(AssertionIssue(field: "\(path).\(issue.field)", reason: "\(type.name): \(issue.reason)",
                                             exceeded: issue.exceeded.map {
                                                 BudgetExceeded(budget: $0.budget, what: $0.what,
                                                                field: "\(path).\(issue.field)")
                                             }))
            }
        }
        return issues
    }

    private func validateSet(_ set: Assertion, path: String, limits: AssertionLimits) -> [AssertionIssue] {
        var issues: [AssertionIssue] = []
        if let threshold = set.threshold, threshold.isFinite, !(0...1).contains(threshold) {
            issues.append(AssertionIssue(field: "\(path).threshold", reason: "assert-set: threshold must be between 0 and 1"))
        }
        if set.value != nil {
            issues.append(AssertionIssue(field: "\(path).value", reason: "assert-set: has no value; list the assertions under \"assert\""))
        }
        guard let children = set.assert, !children.isEmpty else {
            issues.append(AssertionIssue(field: "\(path).assert", reason: "assert-set: \"assert\" must list at least one assertion"))
            return issues
        }
        return issues + validate(children, fieldPrefix: "\(path).assert", limits: limits)
    }

    /// Validates with the built-in types (`AssertionEngine.standard`).
    public static func validate(_ assertions: [Assertion], fieldPrefix: String = "assert") -> [AssertionIssue] {
        standard.validate(assertions, fieldPrefix: fieldPrefix)
    }
}
