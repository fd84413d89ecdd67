import PromptCards
import Testing

/// An assertion that passes on the output "yes" (which contains "y") or fails.
private func check(_ passes: Bool, weight: Double? = nil, metric: String? = nil) -> Assertion {
    Assertion(type: "contains", value: passes ? "y" : "z", weight: weight, metric: metric)
}

@Suite("Scoring")
struct ScoringTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let assertions: [Assertion]
        let threshold: Double?
        let pass: Bool
        let score: Double
        var testDescription: String { name }
    }

    @Test("weights, zero weights and thresholds", arguments: [
        Case(name: "all pass", assertions: [check(true), check(true)], threshold: nil, pass: true, score: 1),
        Case(name: "one of two fails", assertions: [check(true), check(false)], threshold: nil, pass: false, score: 0.5),
        Case(name: "weight 2 passes, weight 1 fails", assertions: [check(true, weight: 2), check(false, weight: 1)],
             threshold: nil, pass: false, score: 2.0 / 3),
        Case(name: "weight 1 passes, weight 2 fails", assertions: [check(true, weight: 1), check(false, weight: 2)],
             threshold: nil, pass: false, score: 1.0 / 3),
        Case(name: "weight 0 failure does not count", assertions: [check(true), check(false, weight: 0)],
             threshold: nil, pass: true, score: 1),
        Case(name: "weight 0 pass adds nothing", assertions: [check(false), check(true, weight: 0)],
             threshold: nil, pass: false, score: 0),
        Case(name: "all weights 0: passes with score 0, as promptfoo", assertions: [check(false, weight: 0), check(true, weight: 0)],
             threshold: nil, pass: true, score: 0),
        Case(name: "threshold reached despite a failure", assertions: [check(true), check(true), check(false)],
             threshold: 0.6, pass: true, score: 2.0 / 3),
        Case(name: "threshold missed", assertions: [check(true), check(true), check(false)],
             threshold: 0.7, pass: false, score: 2.0 / 3),
        Case(name: "threshold equal to the score passes", assertions: [check(true), check(false)],
             threshold: 0.5, pass: true, score: 0.5),
        Case(name: "threshold 0 always passes", assertions: [check(false), check(false)],
             threshold: 0, pass: true, score: 0),
        Case(name: "threshold 1 with all passing", assertions: [check(true)], threshold: 1, pass: true, score: 1),
        Case(name: "NaN threshold is ignored", assertions: [check(true), check(false)],
             threshold: .nan, pass: false, score: 0.5),
        Case(name: "weighted threshold", assertions: [check(true, weight: 3), check(false)],
             threshold: 0.75, pass: true, score: 0.75),
    ])
    func scoring(_ c: Case) {
        let result = AssertionEngine().evaluate(output: "yes", assertions: c.assertions, threshold: c.threshold)
        #expect(result.pass == c.pass, "\(result.reason)")
        #expect(abs(result.score - c.score) < 1e-12, "score \(result.score)")
        #expect(result.componentResults?.count == c.assertions.count)
        #expect(result.componentResults?.map(\.assertion) == c.assertions)
        #expect(result.assertion == nil)
    }

    @Test("a test without assertions passes with score 1")
    func noAssertions() {
        let result = AssertionEngine.evaluate(output: "", assertions: [], threshold: nil, context: AssertionContext())
        #expect(result.pass)
        #expect(result.score == 1)
        #expect(result.reason == "No assertions")
        #expect(result.componentResults == [])
    }

    @Test("an assertion of weight 0 always passes, keeping its score and saying it did not count")
    func zeroWeightComponent() {
        let result = AssertionEngine.standard.evaluate(output: "yes", assertions: [check(false, weight: 0)], threshold: nil)
        #expect(result.pass)
        #expect(result.componentResults?.first?.pass == true)
        #expect(result.componentResults?.first?.score == 0)
        #expect(result.componentResults?.first?.reason == "Expected output to contain \"z\" (weight 0: reported, not counted)")
        #expect(result.reason.hasPrefix("All assertions passed (1 with weight 0 failed without counting: Expected output to contain \"z\""))
    }

    @Test("namedScores gives each metric the weighted mean of its assertions")
    func namedScores() {
        let result = AssertionEngine().evaluate(output: "yes", assertions: [
            check(true, metric: "accuracy"),
            check(false, metric: "accuracy"),
            check(true, weight: 3, metric: "tone"),
            check(false, weight: 1, metric: "tone"),
            check(false, weight: 0, metric: "report-only"),
            check(true, weight: 0, metric: "report-only"),
            check(true, metric: ""),
            check(false),
        ], threshold: nil)
        #expect(result.namedScores == ["accuracy": 0.5, "tone": 0.75, "report-only": 0.5])
    }

    @Test("reasons summarise the failures", arguments: [
        ([check(true), check(true)], nil as Double?, "All assertions passed"),
        ([check(true), check(false), check(false)], nil,
         "2 of 3 assertions failed: Expected output to contain \"z\"; Expected output to contain \"z\""),
        ([check(false)], nil, "1 of 1 assertion failed: Expected output to contain \"z\""),
        ([check(true), check(true), check(false)], 0.6,
         "Aggregate score 0.67 ≥ 0.6 threshold (1 of 3 assertions failed: Expected output to contain \"z\")"),
        ([check(true), check(false)], 0.75,
         "Aggregate score 0.50 < 0.75 threshold (1 of 2 assertions failed: Expected output to contain \"z\")"),
        ([check(true)], 1, "Aggregate score 1.00 ≥ 1 threshold"),
    ])
    func reasons(assertions: [Assertion], threshold: Double?, expected: String) {
        #expect(AssertionEngine().evaluate(output: "yes", assertions: assertions, threshold: threshold).reason == expected)
    }

    @Test("an assertion's own threshold is kept on its result")
    func assertionThreshold() {
        let assertion = Assertion(type: "contains", value: "y", threshold: 0.8)
        let result = AssertionEngine().evaluate(output: "yes", assertions: [assertion], threshold: nil)
        #expect(result.componentResults?.first?.assertion?.threshold == 0.8)
        #expect(result.pass)
    }

    @Test("a negative weight fails that assertion and counts it with weight 1")
    func badWeight() {
        let result = AssertionEngine().evaluate(output: "yes", assertions: [check(true, weight: -2), check(true)], threshold: nil)
        #expect(!result.pass)
        #expect(result.score == 0.5)
        #expect(result.componentResults?.first?.reason == "weight must be a finite number ≥ 0")
    }
}
