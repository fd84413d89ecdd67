import Foundation
import Hummingbird
import HummingbirdTesting
import LLMProxyService
import Logging
import LLMProxyClient
import PromptCards
import ServiceKit
import TestSupport
import Testing

/// The model-graded assertions end to end on the real local model: the engine asks
/// `LLMProxyGrader`, which calls llm-proxy (in process), which calls llama.cpp. The model is
/// small and its judgements weak, so these tests check the protocol — prompts sent and shown,
/// answers parsed into a verdict or refused with a reason — not the judgement.
@Suite(.serialized) struct ModelGraderTests {
    func withGrader(maxTokens: Int = 256, _ body: @escaping @Sendable (LLMProxyGrader) async throws -> Void) async throws {
        let env = ["LOCAL_LLM_URL": try TestEnvironment.llmURL(), "PORT": "0", "HOST": "127.0.0.1",
                   "UPSTREAM_TIMEOUT_SECONDS": "600"]
        let app = try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader(env)), logger: Logger(label: "test"))
        try await app.test(.live) { client in
            let proxy = LLMProxyClient(baseURL: "http://127.0.0.1:\(client.port!)", timeout: PatientHTTP.patience)
            try await body(LLMProxyGrader(client: proxy, maxTokens: maxTokens))
        }
    }

    let output = "The capital of France is Paris."

    @Test func llmRubricSendsItsPromptAndParsesTheVerdictOrSaysWhyNot() async throws {
        try await withGrader { grader in
            let assertion = Assertion(type: "llm-rubric", value: "The output names a city", threshold: 0.5)
            let result = await AssertionEngine.standard.evaluate(output: output, assertion: assertion, grader: grader)
            let prompt = try #require(result.metadata?["renderedGradingPrompt"]?.stringValue)
            #expect(prompt.contains("The output names a city"))
            #expect(prompt.contains(output))
            #expect(result.metadata?["provider"] == "default")
            let answer = try #require(result.metadata?["graderResponse"]?.stringValue, "\(result.reason)")
            #expect(!answer.isEmpty)
            #expect((0...1).contains(result.score))
            if result.reason.hasPrefix("llm-rubric: the grader's answer cannot be used") {
                #expect(!result.pass)
                #expect(result.score == 0)
            } else {
                #expect(result.reason.contains("the grader"), "\(result.reason)")
                // With a threshold, a pass needs the score too.
                #expect(!result.pass || result.score >= 0.5)
            }
        }
    }

    @Test func aTruncatedGraderAnswerFailsTheAssertionWithAReason() async throws {
        // Three tokens cannot hold the JSON verdict: the answer is cut off mid-object.
        try await withGrader(maxTokens: 3) { grader in
            for type in ["llm-rubric", "not-llm-rubric", "factuality"] {
                let result = await AssertionEngine.standard.evaluate(
                    output: output, assertion: Assertion(type: type, value: "Paris is the capital of France"),
                    context: AssertionContext(prompt: "What is the capital of France?"), grader: grader)
                #expect(!result.pass, "\(type): \(result.reason)")
                #expect(result.score == 0)
                #expect(result.reason.hasPrefix("\(type): the grader's answer cannot be used"), "\(result.reason)")
                #expect(result.metadata?["graderResponse"]?.stringValue?.isEmpty == false)
            }
        }
    }

    @Test func anUnknownGraderModelFailsTheAssertionWithLLMProxysReason() async throws {
        try await withGrader { grader in
            let assertion = Assertion(type: "llm-rubric", value: "is polite", provider: "anthropic/claude-x")
            let result = await AssertionEngine.standard.evaluate(output: output, assertion: assertion, grader: grader)
            #expect(!result.pass)
            #expect(result.reason.hasPrefix("llm-rubric: the grader model failed: llm-proxy answered 400"), "\(result.reason)")
            #expect(result.metadata?["provider"] == "anthropic/claude-x")
        }
    }

    @Test func factualityPicksACategoryOrSaysWhyNot() async throws {
        try await withGrader { grader in
            let result = await AssertionEngine.standard.evaluate(
                output: output, assertion: Assertion(type: "factuality", value: "Paris is the capital of France"),
                context: AssertionContext(prompt: "What is the capital of France?"), grader: grader)
            let prompt = try #require(result.metadata?["renderedGradingPrompt"]?.stringValue)
            #expect(prompt.contains("[Expert]: Paris is the capital of France"))
            #expect(prompt.contains("[Question]: What is the capital of France?"))
            if let category = result.metadata?["category"]?.stringValue {
                #expect(["A", "B", "C", "D", "E"].contains(category))
                #expect(result.pass == (category != "D"))
                #expect(result.score == (category == "D" ? 0 : 1))
            } else {
                #expect(!result.pass)
                #expect(result.reason.hasPrefix("factuality: the grader's answer cannot be used"), "\(result.reason)")
            }
        }
    }

    @Test func similarComparesRealEmbeddings() async throws {
        try await withGrader { grader in
            let same = await AssertionEngine.standard.evaluate(
                output: output, assertion: Assertion(type: "similar", value: .string(output)), grader: grader)
            #expect(same.pass, "\(same.reason)")
            #expect(abs(same.score - 1) < 1e-9)
            #expect(same.reason.hasPrefix("Assertion passed: Similarity 1"))

            for type in ["similar:dot", "similar:euclidean", "not-similar"] {
                let result = await AssertionEngine.standard.evaluate(
                    output: output, assertion: Assertion(type: type, value: ["Quantum chromodynamics", .string(output)], threshold: 0.9),
                    grader: grader)
                // The output is one of the values: similar to it at once, at distance 0.
                #expect(result.pass == (type != "not-similar"), "\(type): \(result.reason)")
                #expect(result.metadata?["metric"] != nil)
            }
            let different = await AssertionEngine.standard.evaluate(
                output: output, assertion: Assertion(type: "similar:euclidean", value: "Quantum chromodynamics", threshold: 0), grader: grader)
            #expect(!different.pass)
            #expect(different.score > 0 && different.score < 1)
        }
    }

    @Test func answerRelevanceGeneratesQuestionsAndEmbedsThem() async throws {
        try await withGrader { grader in
            let result = await AssertionEngine.standard.evaluate(
                output: output, assertion: Assertion(type: "answer-relevance", threshold: 0),
                context: AssertionContext(vars: ["query": "What is the capital of France?"]), grader: grader)
            let prompt = try #require(result.metadata?["renderedGradingPrompt"]?.stringValue)
            #expect(prompt.contains(output))
            if let questions = result.metadata?["generatedQuestions"]?.arrayValue {
                #expect((1...3).contains(questions.count))
                #expect((0...1).contains(result.score))
                #expect(result.pass, "threshold 0: \(result.reason)")
            } else {
                #expect(!result.pass)
                #expect(result.reason.hasPrefix("answer-relevance: the grader wrote no questions"), "\(result.reason)")
            }
        }
    }

    @Test func aTestMixesDeterministicAndModelGradedAssertions() async throws {
        try await withGrader { grader in
            let assertions = [
                Assertion(type: "icontains", value: "paris"),
                Assertion(type: "similar", value: .string(output), metric: "meaning"),
                Assertion.set([Assertion(type: "contains", value: "Paris"), Assertion(type: "llm-rubric", value: "mentions France")],
                              threshold: 0.5),
            ]
            #expect(AssertionEngine.standard.needsGrader(assertions))
            let result = await AssertionEngine.standard.evaluate(output: output, assertions: assertions, threshold: nil, grader: grader)
            #expect(result.componentResults?.count == 3)
            #expect(result.componentResults?[2].componentResults?.count == 2)
            #expect(result.namedScores["meaning"].map { abs($0 - 1) < 1e-9 } == true)
            // The set passes on its contains alone (score ≥ 0.5) whatever the grader said.
            #expect(result.componentResults?[2].pass == true)
            #expect(result.pass)
        }
    }
}
