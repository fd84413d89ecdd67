import Foundation
import PromptCards
import TestSupport
import Testing

/// The render bomb of issue 9: a template (or an assertion value) that repeats a large variable.
@Suite("Rendering within MAX_RENDERED_PROMPT_BYTES")
struct RenderBudgetTests {
    /// 20,000 × `{{x}}` with a 200 KB `x`: 4 GB if rendered in full, from a 100 KB template.
    static let bomb = String(repeating: "{{x}}", count: 20_000)
    static let largeVar: JSONValue = .string(String(repeating: "y", count: 204_800))

    @Test("a render that would build 4 GB stops at the budget, promptly, naming it")
    func renderBombStopsAtTheBudget() async throws {
        let template = try PromptTemplate(Self.bomb)
        let budget = BudgetCatalog.renderedPromptBytes.standard
        let (thrown, elapsed) = await CPUTime.measureOnOwnThread { () -> BudgetExceeded? in
            do throws(BudgetExceeded) {
                _ = try template.render(["x": Self.largeVar], budget: budget)
                return nil
            } catch {
                return error
            }
        }
        // Building the 4 GB string would exhaust this machine's memory; stopping at 1 MB takes milliseconds.
        #expect(elapsed < .seconds(1), "took \(elapsed) of CPU time")
        let error = try #require(thrown)
        #expect(error.budget.name == "MAX_RENDERED_PROMPT_BYTES")
        #expect(error.reason
            == "the rendered template is over the limit of \(budget.limit) bytes (MAX_RENDERED_PROMPT_BYTES)")
    }

    @Test("a render exactly at the budget is allowed; one byte more is not")
    func theLimitItselfIsAllowed() throws {
        let template = try PromptTemplate("ab{{x}}")
        let vars: [String: JSONValue] = ["x": "cdé"]  // 6 bytes in UTF-8
        let budget = BudgetCatalog.renderedPromptBytes.standard.with(limit: 6)
        #expect(try template.render(vars, budget: budget) == "abcdé")
        #expect(throws: BudgetExceeded.self) { try template.render(vars, budget: budget.with(limit: 5)) }
        // Non-string values count as their JSON text.
        #expect(throws: BudgetExceeded.self) {
            try PromptTemplate("{{o}}").render(["o": ["k": .string(String(repeating: "z", count: 10))]],
                                                 budget: budget.with(limit: 8))
        }
    }

    @Test("the render without a budget is bounded by the catalog default")
    func theDefaultRenderIsBounded() throws {
        let template = try PromptTemplate(Self.bomb)
        #expect(throws: BudgetExceeded.self) { try template.render(["x": Self.largeVar]) }
    }

    @Test("an assertion value that renders over the budget fails that assertion with the reason, promptly")
    func assertionValueBomb() async {
        let assertions = [Assertion(type: "contains", value: .string(Self.bomb)),
                          Assertion(type: "contains", value: "y")]
        let (result, elapsed) = await CPUTime.measureOnOwnThread {
            AssertionEngine.evaluate(output: "yyy", assertions: assertions, threshold: nil,
                                     context: AssertionContext(vars: ["x": Self.largeVar]))
        }
        // Parsing the 100 KB template is most of this; rendering stops after the first 1 MB.
        #expect(elapsed < .seconds(2), "took \(elapsed) of CPU time")
        let components = result.componentResults ?? []
        #expect(components.count == 2)
        #expect(components.first?.pass == false)
        #expect(components.first?.reason.contains("(MAX_RENDERED_PROMPT_BYTES)") == true,
                "\(components.first?.reason ?? "")")
        #expect(components.last?.pass == true)
    }

    @Test("the strings of an array value share one budget")
    func arrayValuesShareTheBudget() throws {
        var limits = AssertionLimits.standard
        limits.renderedValueBytes = limits.renderedValueBytes.with(limit: 3_000)
        let value: JSONValue = .array(Array(repeating: "{{x}}", count: 4))  // 4 × 1,000 bytes
        let vars: [String: JSONValue] = ["x": .string(String(repeating: "y", count: 1_000))]
        let result = AssertionEngine.standard.evaluate(output: "y",
                                                       assertion: Assertion(type: "contains-any", value: value),
                                                       context: AssertionContext(vars: vars), limits: limits)
        #expect(!result.pass)
        #expect(result.reason.contains("the rendered assertion value is over the limit of 3000 bytes"),
                "\(result.reason)")
        #expect(throws: BudgetExceeded.self) {
            try AssertionEngine.standard.checkRendering([Assertion(type: "contains-any", value: value)], vars: vars,
                                                        limits: limits)
        }
    }
}
