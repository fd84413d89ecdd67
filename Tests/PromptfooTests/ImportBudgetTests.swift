import Foundation
import PromptCards
import Promptfoo
import TestSupport
import Testing

/// The import bombs of issue 9: a few hundred bytes that expand into millions of tests or nodes.
@Suite struct ImportBudgetTests {
    /// Plans `text`, returning the budget it was refused for and how long that took.
    func refusal(_ text: String, limits: ImportLimits = .standard) -> (BudgetExceeded?, Duration) {
        var exceeded: BudgetExceeded?
        let elapsed = CPUTime.measure {
            do throws(PromptfooError) {
                _ = try PromptfooImporter.plan(text, limits: limits)
            } catch {
                exceeded = error.exceeded
            }
        }
        return (exceeded, elapsed)
    }

    @Test func listValuedVarsAreCountedBeforeTheyAreExpanded() throws {
        // 8 vars × 10 values: 10^8 tests from ~300 bytes.
        let values = "[" + (0..<10).map(String.init).joined(separator: ", ") + "]"
        let vars = (0..<8).map { "v\($0): \(values)" }.joined(separator: ", ")
        let text = "prompts: [\"{{v0}}\"]\ntests:\n  - vars: {\(vars)}\n"
        #expect(text.utf8.count < 400)
        let (exceeded, elapsed) = refusal(text)
        #expect(elapsed < .milliseconds(500), "took \(elapsed) of CPU time")
        #expect(exceeded?.budget.name == "MAX_IMPORT_TESTS")
        #expect(exceeded?.field == "tests[0]")
    }

    @Test func everyCardsCopyOfTheTestsCounts() throws {
        // 3 prompts × 2 tests × 2 combinations = 12 test cases.
        let text = """
            prompts: ["a {{x}}", "b {{x}}", "c {{x}}"]
            tests:
              - vars: {x: [1, 2]}
              - vars: {x: [3, 4]}
            """
        var limits = ImportLimits.standard
        limits.tests = limits.tests.with(limit: 12)
        let plan = try PromptfooImporter.plan(text, limits: limits)
        #expect(plan.cards.map(\.tests.count) == [4, 4, 4])
        #expect(plan.cards[0].testPaths == ["tests[0]", "tests[0]", "tests[1]", "tests[1]"])
        limits.tests = limits.tests.with(limit: 11)
        #expect(refusal(text, limits: limits).0?.field == "tests[1]")
    }

    /// "Billion laughs" lines: `a0` is ten strings and each `aN` ten aliases of `aN-1`, so
    /// `*aN` expands to 10^(N+1) nodes.
    static func aliasChain(through last: Int) -> [String] {
        var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1...last {
            let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(aliases)]")
        }
        return lines
    }

    @Test func billionLaughsIsRefusedBeforeAnyTreeIsBuilt() throws {
        var lines = Self.aliasChain(through: 8)
        lines.append("prompts: [\"{{x}}\"]")
        lines.append("tests: [{vars: {x: *a8}}]")
        let (exceeded, elapsed) = refusal(lines.joined(separator: "\n"))
        #expect(elapsed < .milliseconds(500), "took \(elapsed) of CPU time")
        #expect(exceeded?.budget.name == "MAX_IMPORT_YAML_NODES")
    }

    @Test func anAliasUsedAsAMappingKeyIsCountedToo() throws {
        // Yams hashes mapping keys while composing: an expanded key is as costly as an expanded value.
        var lines = Self.aliasChain(through: 7)
        lines.append("keys:\n  ? *a7\n  : 1\n  ? other\n  : 2")
        let (exceeded, elapsed) = refusal(lines.joined(separator: "\n"))
        #expect(elapsed < .milliseconds(500), "took \(elapsed) of CPU time")
        #expect(exceeded?.budget.name == "MAX_IMPORT_YAML_NODES")
    }

    @Test func aliasesWithinTheBudgetStillWork() throws {
        let plan = try PromptfooImporter.plan("""
            shared: &shared {type: contains, value: hi}
            prompts: ["Say {{word}}"]
            tests:
              - vars: {word: hi}
                assert: [*shared]
              - vars: {word: ho}
                assert: [*shared, {<<: *shared, value: ho}]
            """)
        #expect(plan.cards.first?.tests.map(\.assert.count) == [1, 2])
        #expect(plan.cards.first?.tests[1].assert[1].value == "ho")
    }

    @Test func deepNestingIsRefused() throws {
        let text = "prompts: [\"x\"]\ntests: " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let (exceeded, _) = refusal(text)
        #expect(exceeded?.budget.name == "MAX_IMPORT_YAML_DEPTH")
    }

    @Test func anOversizedDocumentIsRefusedBeforeParsing() throws {
        var limits = ImportLimits.standard
        limits.documentBytes = limits.documentBytes.with(limit: 1_024)
        let text = "prompts: [\"" + String(repeating: "x", count: 2_000) + "\"]"
        let (exceeded, _) = refusal(text, limits: limits)
        #expect(exceeded?.budget.name == "MAX_IMPORT_BYTES")
        #expect(exceeded?.budget.kind == .size)
    }

    @Test func aSyntaxErrorIsStillReportedWithItsPosition() throws {
        #expect(throws: PromptfooError.self) { try PromptfooImporter.plan("prompts: [one\ntests:\n  - vars: {a: 1") }
        do throws(PromptfooError) {
            _ = try PromptfooImporter.plan("prompts: [one\ntests:\n  - vars: {a: 1")
        } catch {
            #expect(error.exceeded == nil && error.line != nil)
        }
    }
}
