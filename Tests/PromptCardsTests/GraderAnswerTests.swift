@testable import PromptCards
import Testing

/// Reading grader answers: what a small model writes around its JSON, and what is refused.
@Suite("Grader answers")
struct GraderAnswerTests {
    @Test("a rubric verdict is read from the first JSON object with pass or score", arguments: [
        (#"{"reason": "names Paris", "score": 1.0, "pass": true}"#, true, 1.0, "names Paris"),
        ("Sure! Here is my grade:\n```json\n{\"reason\": \"no\", \"score\": 0, \"pass\": false}\n```", false, 0, "no"),
        (#"{"pass": false}"#, false, 0, "no reason given"),
        (#"{"score": 0.25, "reason": "partly"}"#, true, 0.25, "partly"),
        (#"{"pass": "FALSE", "score": "0.5", "reason": ["a", "b"]}"#, false, 0.5, #"["a","b"]"#),
        (#"{"name": "x"} then {"pass": true, "score": 0.75}"#, true, 0.75, "no reason given"),
    ] as [(String, Bool, Double, String)])
    func rubric(answer: String, pass: Bool, score: Double, reason: String) throws {
        let verdict = try GraderAnswer.rubric(answer).get()
        #expect(verdict == GraderAnswer.Rubric(pass: pass, score: score, reason: reason))
    }

    @Test("a malformed rubric answer is refused with a reason", arguments: [
        ("The output passes.", "it is not the JSON object {reason, score, pass} it was asked for"),
        (#"{"reason": "cut off", "sco"#, "it is not the JSON object {reason, score, pass} it was asked for"),
        (#"{"pass": "maybe"}"#, "its \"pass\" is not a boolean"),
        (#"{"score": "high"}"#, "its \"score\" is not a number"),
        (#"{"score": 8, "pass": true}"#, "its \"score\" 8 is not between 0 and 1"),
        ("", "it is not the JSON object {reason, score, pass} it was asked for"),
    ])
    func malformedRubric(answer: String, reason: String) {
        guard case .failure(let malformed) = GraderAnswer.rubric(answer) else {
            Issue.record("accepted \(answer)")
            return
        }
        #expect(malformed.reason == reason)
    }

    @Test("a factuality category is read from JSON or the eval's plain form", arguments: [
        (#"{"category": "B", "reason": "adds detail"}"#, Character("B")),
        (#"{"category": "(d)", "reason": "contradicts"}"#, "D"),
        ("I think the answer is (C) because the details match.", "C"),
        ("E", "E"),
    ] as [(String, Character)])
    func factuality(answer: String, category: Character) throws {
        #expect(try GraderAnswer.factuality(answer).get().category == category)
    }

    @Test("a factuality answer without a category is refused", arguments: [
        #"{"category": "Z"}"#, "They agree.", #"{"reason": "no category"}"#, "",
    ])
    func malformedFactuality(answer: String) {
        if case .success(let found) = GraderAnswer.factuality(answer) { Issue.record("accepted \(found)") }
    }

    @Test("questions are read one per line, without numbering or bullets")
    func questions() {
        let answer = "1. What is the capital of France?\n- Which city is France's capital?\n\n* Where is Paris?\nok\n4) Extra?"
        #expect(GraderAnswer.questions(answer, limit: 3) == [
            "What is the capital of France?", "Which city is France's capital?", "Where is Paris?",
        ])
        #expect(GraderAnswer.questions("  \n\n", limit: 3).isEmpty)
    }

    @Test("the grader provider is read from a name, an id, or per use; the assertion's wins over the suite's")
    func provider() {
        let context = AssertionContext(defaultProvider: ["text": "suite-text", "embedding": ["id": "suite-embed"]])
        #expect(GraderProvider.model(for: .text, assertion: Assertion(type: "llm-rubric"), context: context) == "suite-text")
        #expect(GraderProvider.model(for: .embedding, assertion: Assertion(type: "similar"), context: context) == "suite-embed")
        #expect(GraderProvider.model(for: .text, assertion: Assertion(type: "llm-rubric", provider: "mine"), context: context) == "mine")
        #expect(GraderProvider.model(for: .text, assertion: Assertion(type: "llm-rubric", provider: ["id": "by-id"]),
                                     context: AssertionContext()) == "by-id")
        #expect(GraderProvider.model(for: .text, assertion: Assertion(type: "llm-rubric"), context: AssertionContext()) == nil)
        #expect(GraderProvider.problem(3) != nil)
        #expect(GraderProvider.problem(["config": [:]]) != nil)
        #expect(GraderProvider.problem(["id": ""]) != nil)
        #expect(GraderProvider.problem(["embedding": "e"]) == nil)
    }
}
