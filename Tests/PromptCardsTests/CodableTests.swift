import Foundation
import PromptCards
import Testing

private func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(text.utf8))
}

@Suite("Codable")
struct CodableTests {
    @Test("Assertion decodes promptfoo's fields, provider and config included; others are ignored")
    func assertionFields() throws {
        let assertion = try decode(Assertion.self, """
            {"type": "not-contains", "value": "x", "threshold": 0.5, "weight": 2, "metric": "safety", "provider": "smollm2",
             "config": {"k": 1}, "description": "ignored"}
            """)
        #expect(assertion == Assertion(type: "not-contains", value: "x", threshold: 0.5, weight: 2, metric: "safety",
                                       provider: "smollm2", config: ["k": 1]))
        #expect(assertion.effectiveWeight == 2)
    }

    @Test("an assert-set decodes with its nested assertions and round-trips")
    func assertSet() throws {
        let text = """
            {"type": "assert-set", "threshold": 0.5, "weight": 2, "metric": "quality",
             "assert": [{"type": "contains", "value": "a"}, {"type": "llm-rubric", "value": "is kind", "provider": {"id": "smollm2"}}]}
            """
        let set = try decode(Assertion.self, text)
        #expect(set == Assertion.set([Assertion(type: "contains", value: "a"),
                                      Assertion(type: "llm-rubric", value: "is kind", provider: ["id": "smollm2"])],
                                     threshold: 0.5, weight: 2, metric: "quality"))
        #expect(try decode(Assertion.self, try json(set)) == set)
        #expect(try json(set).contains("\"assert\":[{"))
    }

    @Test("Assertion writes promptfoo's field names and only those set", arguments: [
        (Assertion(type: "contains", value: "x"), "{\"type\":\"contains\",\"value\":\"x\"}"),
        (Assertion(type: "equals", value: 3), "{\"type\":\"equals\",\"value\":3}"),
        (Assertion(type: "equals", value: ["b": [1.5, nil], "a": true], threshold: 0.9, weight: 0, metric: "m"),
         "{\"metric\":\"m\",\"threshold\":0.9,\"type\":\"equals\",\"value\":{\"a\":true,\"b\":[1.5,null]},\"weight\":0}"),
    ])
    func assertionEncoding(assertion: Assertion, expected: String) throws {
        #expect(try json(assertion) == expected)
        #expect(try decode(Assertion.self, expected) == assertion)
    }

    @Test("missing fields default: weight 1, no value")
    func assertionDefaults() throws {
        let assertion = try decode(Assertion.self, "{\"type\": \"contains\", \"value\": null}")
        #expect(assertion.value == nil)
        #expect(assertion.weight == nil)
        #expect(assertion.effectiveWeight == 1)
    }

    @Test("Assertion without a string type is rejected with a reason", arguments: [
        ("{\"value\": \"x\"}", "has no \"type\""),
        ("{\"type\": 3, \"value\": \"x\"}", "\"type\" must be a string"),
        ("{\"type\": null}", "\"type\" must be a string"),
        ("{\"type\": [\"contains\"]}", "\"type\" must be a string"),
    ])
    func assertionRejects(text: String, reason: String) {
        let error = #expect(throws: DecodingError.self) { try decode(Assertion.self, text) }
        switch error {
        case .keyNotFound(let key, let context)?:
            #expect(key.stringValue == "type")
            #expect(context.debugDescription.contains(reason))
        case .typeMismatch(_, let context)?:
            #expect(context.codingPath.last?.stringValue == "type")
            #expect(context.debugDescription.contains(reason))
        default:
            Issue.record("unexpected error \(String(describing: error))")
        }
    }

    @Test("an array of assertions decodes as a test case's assert list")
    func assertionList() throws {
        let list = try decode([Assertion].self, """
            [{"type": "icontains", "value": 42}, {"type": "equals", "value": {"ok": true}}, {"type": "regex", "value": "^a"}]
            """)
        #expect(list.map(\.type) == ["icontains", "equals", "regex"])
        #expect(list[0].value == .number(42))
        #expect(list[1].value == ["ok": true])
    }

    @Test("GradingResult round-trips with promptfoo's field names")
    func gradingResult() throws {
        let result = AssertionEngine().evaluate(output: "hello", assertions: [
            Assertion(type: "contains", value: "ell", metric: "m"),
            Assertion(type: "not-equals", value: "hello", weight: 2),
        ], threshold: 0.2)
        let text = try json(result)
        for key in ["\"pass\":", "\"score\":", "\"reason\":", "\"componentResults\":", "\"namedScores\":", "\"assertion\":"] {
            #expect(text.contains(key), "\(key) in \(text)")
        }
        #expect(try decode(GradingResult.self, text) == result)
        #expect(result.componentResults?.count == 2)
        #expect(result.namedScores == ["m": 1])
    }

    @Test("GradingResult decodes promptfoo's output, namedScores optional")
    func gradingResultFromPromptfoo() throws {
        let result = try decode(GradingResult.self, """
            {"pass": false, "score": 0, "reason": "Expected output to contain \\"x\\"",
             "assertion": {"type": "contains", "value": "x"}, "tokensUsed": {"total": 0}}
            """)
        #expect(result == GradingResult(pass: false, score: 0, reason: "Expected output to contain \"x\"",
                                        assertion: Assertion(type: "contains", value: "x")))
        #expect(result.namedScores == [:])
        #expect(result.componentResults == nil)
    }

    @Test("AssertionIssue encodes field and reason")
    func issue() throws {
        let issue = AssertionIssue(field: "assert[0].value", reason: "contains: value is required")
        #expect(try json(issue) == "{\"field\":\"assert[0].value\",\"reason\":\"contains: value is required\"}")
    }
}
