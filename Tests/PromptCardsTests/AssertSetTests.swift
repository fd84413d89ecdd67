import PromptCards
import Testing

/// An assertion that passes on the output "yes" (which contains "y") or fails.
private func check(_ passes: Bool, weight: Double? = nil, metric: String? = nil) -> Assertion {
    Assertion(type: "contains", value: passes ? "y" : "z", weight: weight, metric: metric)
}

@Suite("assert-set")
struct AssertSetTests {
    let engine = AssertionEngine()

    @Test("a set passes when all its assertions pass, or on its own threshold", arguments: [
        // promptfoo's documented example: 50% of the assertions must pass.
        (Assertion.set([check(true), check(false), check(true), check(false)], threshold: 0.5), true, 0.5),
        (Assertion.set([check(true), check(false), check(false), check(false)], threshold: 0.5), false, 0.25),
        // 1 out of 4 equal weight assertions: threshold 0.25.
        (Assertion.set([check(false), check(false), check(true), check(false)], threshold: 0.25), true, 0.25),
        (Assertion.set([check(true), check(true)]), true, 1),
        (Assertion.set([check(true), check(false)]), false, 0.5),
        (Assertion.set([check(true, weight: 3), check(false)], threshold: 0.7), true, 0.75),
        (Assertion.set([check(false), check(false)], threshold: 0), true, 0),
    ])
    func setRules(set: Assertion, pass: Bool, score: Double) {
        let result = engine.evaluate(output: "yes", assertion: set)
        #expect(result.pass == pass, "\(result.reason)")
        #expect(abs(result.score - score) < 1e-12)
        #expect(result.assertion == set)
        #expect(result.componentResults?.count == set.assert?.count)
        #expect(result.reason.hasPrefix("assert-set: "))
    }

    @Test("a set counts once in the test, with its own weight and metric")
    func setInTest() {
        let set = Assertion.set([check(true), check(false), check(false), check(false)], threshold: 0.25, weight: 2, metric: "quality")
        let result = engine.evaluate(output: "yes", assertions: [set, check(false)], threshold: nil)
        // (0.25 × 2 + 0 × 1) / 3
        #expect(abs(result.score - 0.5 / 3) < 1e-12)
        #expect(!result.pass, "the lone contains fails")
        #expect(result.componentResults?.first?.pass == true)
        #expect(result.namedScores["quality"] == 0.25)
        #expect(result.componentResults?.count == 2)
    }

    @Test("metrics inside a set reach the test's named scores")
    func nestedMetrics() {
        let set = Assertion.set([check(true, metric: "tone"), check(false, metric: "tone"), check(true, metric: "facts")])
        let result = engine.evaluate(output: "yes", assertions: [set, check(true, metric: "facts")], threshold: nil)
        #expect(result.namedScores == ["tone": 0.5, "facts": 1])
    }

    @Test("sets nest")
    func nested() {
        let inner = Assertion.set([check(true), check(false)], threshold: 0.5)
        let outer = Assertion.set([inner, check(false)], threshold: 0.5)
        let result = engine.evaluate(output: "yes", assertion: outer)
        #expect(result.componentResults?.first?.pass == true)
        #expect(abs(result.score - 0.25) < 1e-12)
        #expect(!result.pass)
    }

    @Test("a set without assertions, or negated, fails with a reason")
    func invalidSets() {
        let empty = engine.evaluate(output: "yes", assertion: Assertion(type: "assert-set"))
        #expect(!empty.pass)
        #expect(empty.reason == "assert-set: \"assert\" must list at least one assertion")
        let negated = engine.evaluate(output: "yes", assertion: Assertion(type: "not-assert-set", assert: [check(true)]))
        #expect(!negated.pass)
        #expect(negated.reason == "assert-set cannot be negated")
    }

    @Test("validation looks inside sets and names nested fields")
    func validation() {
        let issues = engine.validate([
            check(true),
            Assertion.set([check(true), Assertion(type: "regex", value: "(a"), Assertion.set([Assertion(type: "bogus")])], threshold: 2),
            Assertion(type: "assert-set"),
            Assertion(type: "contains", value: "x", assert: [check(true)]),
        ])
        #expect(issues == [
            AssertionIssue(field: "assert[1].threshold", reason: "assert-set: threshold must be between 0 and 1"),
            AssertionIssue(field: "assert[1].assert[1].value", reason: "regex: invalid pattern \"(a\""),
            AssertionIssue(field: "assert[1].assert[2].assert[0].type", reason: "unknown assertion type \"bogus\""),
            AssertionIssue(field: "assert[2].assert", reason: "assert-set: \"assert\" must list at least one assertion"),
            AssertionIssue(field: "assert[3].assert", reason: "contains: only an assert-set has \"assert\""),
        ])
    }
}
