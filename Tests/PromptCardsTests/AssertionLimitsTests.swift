import Foundation
import PromptCards
import TestSupport
import Testing

/// The shape and work budgets of one test case: assertions counted through assert-sets, set
/// nesting, model-graded count, and the regex time of the whole evaluation.
@Suite("Assertion limits")
struct AssertionLimitsTests {
    /// A pattern that backtracks exponentially on `catastrophicOutput`: each search runs to its limit.
    static let catastrophic = Assertion(type: "regex", value: "(a+)+$")
    static let catastrophicOutput = String(repeating: "a", count: 40) + "!"

    static func sets(_ count: Int, of member: Assertion, each size: Int) -> [Assertion] {
        Array(repeating: Assertion.set(Array(repeating: member, count: size)), count: count)
    }

    @Test("assertions inside assert-sets count against MAX_ASSERTIONS_PER_TEST")
    func nestedAssertionsAreCounted() throws {
        // 5 sets of 30: only 5 at the top level, 155 in all.
        let assertions = Self.sets(5, of: Self.catastrophic, each: 30)
        let error = try #require(throws: BudgetExceeded.self) {
            try AssertionEngine.standard.checkLimits(assertions, limits: .standard)
        }
        #expect(error.budget.name == "MAX_ASSERTIONS_PER_TEST")
        #expect(error.field == "assert")
        // Exactly at the limit passes: 4 sets of 24 are 100 assertions.
        try AssertionEngine.standard.checkLimits(Self.sets(4, of: Self.catastrophic, each: 24), limits: .standard)
    }

    @Test("a test over the count fails as a whole without running any of its 150 slow regexes")
    func overTheCountRunsNothing() {
        var result: GradingResult?
        let elapsed = CPUTime.measure {
            result = AssertionEngine.evaluate(output: Self.catastrophicOutput,
                                              assertions: Self.sets(5, of: Self.catastrophic, each: 30), threshold: nil)
        }
        // Running them would take 150 × 250 ms.
        #expect(elapsed < .milliseconds(200), "took \(elapsed) of CPU time")
        #expect(result?.pass == false && result?.score == 0)
        #expect(result?.reason.contains("(MAX_ASSERTIONS_PER_TEST)") == true, "\(result?.reason ?? "")")
    }

    @Test("assert-sets nest at most MAX_ASSERT_SET_DEPTH levels, and the field names the set too deep")
    func nestingIsCapped() throws {
        var nested = Assertion(type: "contains", value: "x")
        for _ in 0..<3 { nested = .set([nested]) }
        try AssertionEngine.standard.checkLimits([nested], limits: .standard)
        let error = try #require(throws: BudgetExceeded.self) {
            try AssertionEngine.standard.checkLimits([.set([nested])], limits: .standard,
                                                     fieldPrefix: "tests[1].assert")
        }
        #expect(error.budget.name == "MAX_ASSERT_SET_DEPTH")
        #expect(error.field == "tests[1].assert[0].assert[0].assert[0].assert[0]")
        let result = AssertionEngine.evaluate(output: "x", assertions: [.set([nested])], threshold: nil)
        #expect(!result.pass && result.reason.contains("(MAX_ASSERT_SET_DEPTH)"), "\(result.reason)")
    }

    @Test("model-graded assertions are counted through sets against MAX_MODEL_GRADED_ASSERTIONS_PER_TEST")
    func modelGradedAreCounted() throws {
        let rubric = Assertion(type: "llm-rubric", value: "is polite")
        let assertions = [Assertion.set(Array(repeating: rubric, count: 6)), .set(Array(repeating: rubric, count: 5))]
        let error = try #require(throws: BudgetExceeded.self) {
            try AssertionEngine.standard.checkLimits(assertions, limits: .standard)
        }
        #expect(error.budget.name == "MAX_MODEL_GRADED_ASSERTIONS_PER_TEST")
        #expect(error.field == "assert[1].assert[4]")
        let ten = Array(assertions.prefix(1)) + [.set(Array(repeating: rubric, count: 4))]
        try AssertionEngine.standard.checkLimits(ten, limits: .standard)
    }

    @Test("the regex time of a whole test is bounded by MAX_REGEX_MS_PER_TEST, not per regex")
    func regexTimeIsBudgetedPerTest() async {
        // 40 searches at 100 ms of CPU each would take 4 s; the test has 300 ms of regex time in all.
        var limits = AssertionLimits.standard
        limits.regexMatch = limits.regexMatch.with(limit: 100)
        limits.regexTimePerTest = limits.regexTimePerTest.with(limit: 300)
        let assertions = Array(repeating: Self.catastrophic, count: 40)
        let limited = limits
        let (result, elapsed) = await CPUTime.measureOnOwnThread {
            AssertionEngine.evaluate(output: Self.catastrophicOutput, assertions: assertions, threshold: nil,
                                     limits: limited)
        }
        #expect(elapsed < .seconds(1), "took \(elapsed) of CPU time")
        let reasons = (result.componentResults ?? []).map(\.reason)
        #expect(reasons.count == 40)
        #expect(reasons.prefix(2).allSatisfy { $0.contains("timed out after 100 ms of CPU time (MAX_REGEX_MATCH_MS") },
                "\(reasons)")
        #expect(reasons.suffix(30).allSatisfy { $0.contains("over the limit of 300 ms (MAX_REGEX_MS_PER_TEST)") },
                "\(reasons.suffix(30))")
    }

    @Test("a meter given to the evaluation reports which work budget ran out")
    func theMeterReportsTheExcess() {
        var limits = AssertionLimits.standard
        limits.regexTimePerTest = limits.regexTimePerTest.with(limit: 100)
        let meter = limits.meter()
        _ = AssertionEngine.evaluate(output: Self.catastrophicOutput,
                                     assertions: Array(repeating: Self.catastrophic, count: 3),
                                     threshold: nil, limits: limits, meter: meter)
        #expect(meter.exceeded?.budget.name == "MAX_REGEX_MS_PER_TEST")
        let quiet = AssertionLimits.standard.meter()
        _ = AssertionEngine.evaluate(output: "abc", assertions: [Assertion(type: "regex", value: "b")], threshold: nil,
                                     meter: quiet)
        #expect(quiet.exceeded == nil)
    }

    @Test("limits read through a budget source take its values")
    func limitsFromASource() {
        let limits = AssertionLimits(reading: { definition in
            definition.budget(limit: definition.name == "MAX_ASSERTIONS_PER_TEST" ? 7 : definition.defaultLimit)
        })
        #expect(limits.assertionsPerTest.limit == 7)
        #expect(limits.assertSetDepth == BudgetCatalog.assertSetDepth.standard)
        #expect(AssertionLimits.standard.schemaSteps.name == "MAX_SCHEMA_STEPS")
    }
}
