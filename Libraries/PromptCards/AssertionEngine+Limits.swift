import JSONSchema

/// The shape budgets of a test case's assertions: how many, how deep, how many model-graded.
extension AssertionEngine {
    /// Throws when `assertions` go over one of `limits`' shape budgets: more assertions than
    /// `assertionsPerTest` counted through every assert-set (each set counts, and so does each
    /// of its members), sets nested deeper than `assertSetDepth` (a set at the top is level 1),
    /// or more model-graded assertions than `modelGradedPerTest`. The error's field is a path
    /// under `fieldPrefix` (`assert`, `assert[0].assert[2]`), for an API's answer.
    public func checkLimits(_ assertions: [Assertion], limits: AssertionLimits,
                            fieldPrefix: String = "assert") throws(BudgetExceeded) {
        var tally = Tally(root: fieldPrefix)
        try count(assertions, depth: 0, path: fieldPrefix, limits: limits, into: &tally)
    }

    private struct Tally {
        /// Where the count is reported: it is of the whole test, so at the top.
        let root: String
        var assertions = 0
        var modelGraded = 0
    }

    private func count(_ assertions: [Assertion], depth: Int, path: String, limits: AssertionLimits,
                       into tally: inout Tally) throws(BudgetExceeded) {
        for (index, assertion) in assertions.enumerated() {
            let field = "\(path)[\(index)]"
            tally.assertions += 1
            try limits.assertionsPerTest.check(tally.assertions, "the number of assertions in this test, assert-sets "
                + "included,", field: tally.root)
            if assertion.type == AssertionType.setTypeName, let children = assertion.assert {
                try limits.assertSetDepth.check(depth + 1, "the nesting of assert-sets", field: field)
                try count(children, depth: depth + 1, path: "\(field).assert", limits: limits, into: &tally)
            } else if isModelGraded(assertion) {
                tally.modelGraded += 1
                try limits.modelGradedPerTest.check(tally.modelGraded, "the number of model-graded assertions in "
                    + "this test", field: field)
            }
        }
    }

    private func isModelGraded(_ assertion: Assertion) -> Bool {
        guard let type = try? AssertionType(parsing: assertion.type, registry: registry) else { return false }
        return registry.evaluator(named: type.baseName) is any ModelGradedEvaluator
    }

    /// The failed test result for assertions over a shape budget, or nil when they are within them.
    static func refusal(of assertions: [Assertion], by engine: AssertionEngine,
                        limits: AssertionLimits) -> GradingResult? {
        do {
            try engine.checkLimits(assertions, limits: limits)
            return nil
        } catch {
            return GradingResult(pass: false, score: 0, reason: error.reason, componentResults: [])
        }
    }
}

extension AssertionContext {
    /// This context charging `meter`, for one evaluation.
    func metered(by meter: WorkMeter) -> AssertionContext {
        var context = self
        context.meter = meter
        return context
    }
}

extension AssertionEngine {
    /// Throws when rendering the value of one of `assertions` (sets included) with `vars` would
    /// pass `limits.renderedValueBytes`, naming that value's field under `fieldPrefix`
    /// (`assert[1].value`). Rendering stops at the limit, so this costs at most the budget per
    /// value; an API runs it before evaluating, to answer the problem instead of a failed result.
    public func checkRendering(_ assertions: [Assertion], vars: [String: JSONValue], limits: AssertionLimits,
                               fieldPrefix: String = "assert") throws(BudgetExceeded) {
        for (index, assertion) in assertions.enumerated() {
            let field = "\(fieldPrefix)[\(index)]"
            if let children = assertion.assert {
                try checkRendering(children, vars: vars, limits: limits, fieldPrefix: "\(field).assert")
            }
            guard let value = assertion.value else { continue }
            do {
                _ = try Self.render(value, vars: vars, budget: limits.renderedValueBytes)
            } catch {
                throw BudgetExceeded(budget: error.budget, what: error.what, field: "\(field).value")
            }
        }
    }
}
