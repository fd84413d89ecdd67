import Foundation
import PromptCards
import Promptfoo
import Testing

/// Configs written for the fields the examples miss.
@Suite struct PromptfooConfigTests {
    @Test func defaultTestMergesIntoEveryTestAndListVarsExpand() throws {
        let plan = try PromptfooImporter.plan("""
            prompts: ["Say {{word}} in {{language}}"]
            providers: [ollama:chat:llama3.2, anthropic:messages:claude-3-5-haiku]
            defaultTest:
              vars: {language: French}
              assert:
                - type: icontains
                  value: "{{word}}"
                  weight: 2
              threshold: 0.5
            tests:
              - vars: {word: [hello, goodbye]}
                assert: [{type: contains, value: o, metric: has-o}]
              - vars: {word: yes, language: German}
                threshold: 0.9
            """)
        let card = try #require(plan.cards.first)
        #expect(card.defaultModels == ["ollama/llama3.2", "anthropic/claude-3-5-haiku"])
        #expect(card.tests.count == 3)
        #expect(card.tests.map { $0.vars["word"] } == [.string("hello"), .string("goodbye"), .string("yes")])
        #expect(card.tests[0].vars["language"] == .string("French"))
        #expect(card.tests[2].vars["language"] == .string("German"))
        #expect(card.tests[0].assert.map(\.type) == ["icontains", "contains"])
        #expect(card.tests[0].assert[0].weight == 2 && card.tests[0].assert[1].metric == "has-o")
        #expect(card.tests[0].threshold == 0.5 && card.tests[2].threshold == 0.9)
        #expect(plan.issues.isEmpty)
    }

    @Test func theJSONFormAndMergeKeysWork() throws {
        let json = try PromptfooImporter.plan(#"{"prompts":["Hi {{n}}"],"tests":[{"vars":{"n":1},"assert":[{"type":"equals","value":"Hi 1"}]}]}"#)
        #expect(json.cards.first?.tests.first?.vars["n"] == .number(1))
        let merged = try PromptfooImporter.plan("""
            prompts: ["{{q}}"]
            base: &base
              vars: {q: shared}
            tests:
              - <<: *base
                description: merged
            """)
        #expect(merged.cards.first?.tests.first?.vars["q"] == .string("shared"))
        #expect(merged.cards.first?.tests.first?.description == "merged")
    }

    @Test func unsupportedPartsAreReportedWithTheirPaths() throws {
        let plan = try PromptfooImporter.plan("""
            prompts: [file://prompt.txt, "Inline {{x}}"]
            tests:
              - file://more-tests.yaml
              - vars: {x: file://data.txt}
              - vars: {x: ok}
                options: {transform: output.trim()}
                assert:
                  - type: javascript
                    value: output.length > 3
                  - type: contains
                    value: ok
                    transform: output.toLowerCase()
                  - $ref: '#/nowhere'
            """)
        let paths = plan.issues.map(\.path)
        for expected in ["prompts[0]", "tests[0]", "tests[1].vars.x", "tests[2].options", "tests[2].assert[0]",
                         "tests[2].assert[1].transform", "tests[2].assert[2]"] {
            #expect(paths.contains { $0 == expected || $0.hasPrefix(expected + ".") }, "\(expected) in \(paths)")
        }
        #expect(plan.cards.count == 1 && plan.cards[0].tests.count == 1 && plan.cards[0].tests[0].assert.isEmpty)
    }

    @Test(arguments: [
        ("prompts: [a\ntests: [", 2),
        ("prompts:\n  - 'unterminated\n", 3),
    ])
    func badYAMLNamesTheLineAndColumn(text: String, line: Int) {
        #expect {
            try PromptfooImporter.plan(text)
        } throws: { error in
            guard let error = error as? PromptfooError else { return false }
            return error.line != nil && error.column != nil && error.line! >= line - 1
        }
    }

    @Test func aScalarDocumentIsNotAConfig() {
        #expect(throws: PromptfooError.self) { try PromptfooImporter.plan("just a string") }
    }

    @Test(arguments: [
        ("openai:gpt-4o-mini", "openai/gpt-4o-mini"), ("openai:chat:gpt-4o", "openai/gpt-4o"),
        ("ollama:chat:llama3.2", "ollama/llama3.2"), ("ollama:llama3.2:1b", "ollama/llama3.2:1b"),
        ("anthropic:messages:claude-3", "anthropic/claude-3"), ("echo", "echo"),
    ])
    func providerIDsMapToModelNames(id: String, name: String) {
        #expect(ProviderNames.modelName(fromPromptfoo: id) == name)
    }

    @Test func theWholeDeterministicVocabularyImportsAndRoundTrips() throws {
        let config = """
            description: Vocabulary the examples miss
            prompts: ["Answer {{q}}"]
            providers: [openai:gpt-4o-mini]
            tests:
              - description: lists, json, distances
                vars: {q: colours}
                threshold: 0.75
                assert:
                  - {type: contains-all, value: [red, green], weight: 2}
                  - {type: not-icontains-any, value: [purple, mauve]}
                  - type: contains-json
                    value: {type: object, required: [name]}
                  - {type: levenshtein, value: "red and green", threshold: 4}
                  - {type: rouge-n, value: "red green blue", threshold: 0.6, metric: overlap}
                  - {type: bleu, value: "red green", weight: 0}
                  - {type: starts-with, value: Red}
              - description: grouped
                vars: {q: weather}
                assert:
                  - type: assert-set
                    threshold: 0.5
                    assert:
                      - {type: icontains, value: sun}
                      - {type: icontains, value: rain}
            """
        let plan = try PromptfooImporter.plan(config)
        #expect(plan.issues.isEmpty, "\(plan.issues)")
        let card = try #require(plan.cards.first)
        #expect(card.tests.count == 2)
        #expect(card.tests[0].assert.map(\.type) == ["contains-all", "not-icontains-any", "contains-json", "levenshtein", "rouge-n", "bleu", "starts-with"])
        #expect(card.tests[0].assert[0].weight == 2 && card.tests[0].assert[5].weight == 0)
        #expect(card.tests[0].assert[4].metric == "overlap" && card.tests[0].assert[3].threshold == 4)
        #expect(card.tests[0].threshold == 0.75)
        #expect(card.tests[1].assert.first?.type == "assert-set")

        let exported = PromptfooExporter.Card(id: "c", title: card.title, description: card.description, template: card.template,
                                              defaultModels: card.defaultModels, tests: card.tests)
        let again = try PromptfooImporter.plan(try PromptfooExporter.yaml(exported))
        #expect(again.cards.first?.tests == card.tests)
        #expect(again.issues.isEmpty)
    }
}
