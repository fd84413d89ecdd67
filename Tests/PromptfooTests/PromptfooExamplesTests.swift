import Foundation
import PromptCards
import Promptfoo
import TestSupport
import Testing

/// The 35 real configurations from promptfoo's examples (../shared/promptfoo-examples).
@Suite struct PromptfooExamplesTests {
    static let folder = TestEnvironment.repositoryRoot() + "/../shared/promptfoo-examples"
    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()
    /// Their tests live in files or datasets, so nothing of them can be imported inline.
    static let externalTests: Set<String> = ["f-score.yaml", "simple-csv.yaml", "ai-fairness-eval.yaml", "deepseek-r1-vs-openai-o1.yaml"]

    static func plan(_ file: String) throws -> ImportPlan {
        try PromptfooImporter.plan(String(contentsOfFile: folder + "/" + file, encoding: .utf8))
    }

    @Test func theExamplesArePresent() {
        #expect(Self.files.count == 35, "expected the 35 examples in \(Self.folder)")
    }

    @Test(arguments: files)
    func everyExampleImportsAndReportsWhatItCannotRepresent(file: String) throws {
        let plan = try Self.plan(file)
        for issue in plan.issues {
            #expect(!issue.path.isEmpty && !issue.reason.isEmpty)
        }
        let text = try String(contentsOfFile: Self.folder + "/" + file, encoding: .utf8)
        if text.contains("file://") || text.contains("javascript") || text.contains("python") {
            #expect(!plan.issues.isEmpty, "\(file) has parts that must be reported")
        }
        if Self.externalTests.contains(file) {
            #expect(plan.cards.allSatisfy { $0.tests.isEmpty })
            #expect(plan.issues.contains { $0.path.hasPrefix("tests") })
        }
    }

    @Test(arguments: files.filter { !externalTests.contains($0) })
    func inlineExamplesRoundTripThroughExport(file: String) throws {
        let plan = try Self.plan(file)
        for card in plan.cards {
            let exported = PromptfooExporter.Card(id: UUID().uuidString.lowercased(), title: card.title, description: card.description,
                                                  template: card.template, defaultModels: card.defaultModels, tests: card.tests)
            let again = try PromptfooImporter.plan(try PromptfooExporter.yaml(exported))
            #expect(again.issues.isEmpty, "\(file): \(again.issues)")
            let card2 = try #require(again.cards.first)
            #expect(card2.template == card.template)
            #expect(card2.tests == card.tests, "\(file)")
            #expect(card2.defaultModels == card.defaultModels)
            let viaJSON = try PromptfooImporter.plan(PromptfooExporter.json(exported))
            #expect(viaJSON.cards.first?.tests == card.tests)
        }
    }

    @Test func gettingStartedBecomesTwoCardsWithBothTestsAndProviders() throws {
        let plan = try Self.plan("getting-started.yaml")
        #expect(plan.cards.count == 2)
        #expect(plan.cards.map(\.template) == ["Convert this English to {{language}}: {{input}}", "Translate to {{language}}: {{input}}"])
        #expect(plan.cards.allSatisfy { $0.defaultModels == ["openai/gpt-4.1", "openai/o4-mini"] && $0.tests.count == 2 })
        #expect(plan.cards[0].tests[1].assert.first?.value == .string("Dónde está la biblioteca"))
        #expect(plan.issues.isEmpty)
    }

    @Test func simpleTestReportsFilesAndCodeButResolvesRefsAndKeepsYesAString() throws {
        let plan = try Self.plan("simple-test.yaml")
        #expect(plan.cards.isEmpty, "its only prompt is file://prompts.txt")
        #expect(plan.issues.contains { $0.path == "prompts[0]" && $0.reason.contains("file://prompts.txt") })
        #expect(plan.issues.contains { $0.path == "tests[3].assert[0]" })
        #expect(plan.issues.contains { $0.path == "tests[3].assert[1]" })
    }

    @Test func anchorsAndAliasesAreResolved() throws {
        let plan = try Self.plan("openai-structured-output.yaml")
        #expect(!plan.cards.isEmpty)
        #expect(plan.cards[0].defaultModels.count == 2)
    }
}
