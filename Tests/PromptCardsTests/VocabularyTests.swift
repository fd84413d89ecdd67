import Foundation
import PromptCards
import Testing

/// One row of the vocabulary table: an assertion on an output passes or fails (with a score
/// when it is graded), or cannot be checked at all (`error`: then it fails negated too).
struct VocabularyCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable {
        case pass(score: Double = 1)
        case fail(score: Double = 0)
        case error(String)
    }

    let assertion: Assertion
    let output: String
    var context = AssertionContext()
    let expected: Expected

    var testDescription: String {
        "\(assertion.type) \(assertion.value?.jsonText ?? "—")\(assertion.threshold.map { " threshold \($0)" } ?? "") on \(output.prefix(60).debugDescription)"
    }
}

private func row(_ type: String, _ value: JSONValue?, threshold: Double? = nil, config: JSONValue? = nil,
                 on output: String, context: AssertionContext = AssertionContext(), _ expected: VocabularyCase.Expected) -> VocabularyCase {
    VocabularyCase(assertion: Assertion(type: type, value: value, threshold: threshold, config: config), output: output,
                   context: context, expected: expected)
}

/// promptfoo's documented JSON Schema example (deterministic metrics, is-json / contains-json).
let coordinatesSchema: JSONValue = [
    "required": ["latitude", "longitude"], "type": "object",
    "properties": [
        "latitude": ["minimum": -90, "type": "number", "maximum": 90],
        "longitude": ["minimum": -180, "type": "number", "maximum": 180],
    ],
]

let weatherTools: JSONValue = [[
    "type": "function",
    "function": [
        "name": "get_weather", "description": "Current weather",
        "parameters": [
            "type": "object", "required": ["location"], "additionalProperties": false,
            "properties": ["location": ["type": "string"], "unit": ["enum": ["celsius", "fahrenheit"]]],
        ],
    ],
]]

func toolCall(_ name: String, _ arguments: String) -> String {
    #"[{"id":"call_1","type":"function","function":{"name":"\#(name)","arguments":\#(JSONValue.string(arguments).jsonText)}}]"#
}

let vocabularyCases: [VocabularyCase] = [
    // contains-any / icontains-any: one listed text is enough (array, or comma-separated string).
    row("contains-any", ["Value 1", "Value 2", "Value 3"], on: "it has Value 2 in it", .pass()),
    row("contains-any", ["Value 1", "Value 2"], on: "nothing of the sort", .fail()),
    row("contains-any", "red, green", on: "a green apple", .pass()),
    row("contains-any", "red, green", on: "a blue apple", .fail()),
    row("contains-any", "\"1,000\", in stock", on: "1,000 units", .pass()),
    row("contains-any", [1, 2], on: "room 2", .pass()),
    row("contains-any", ["x"], on: "", .fail()),
    row("icontains-any", ["PARIS", "london"], on: "I love paris", .pass()),
    row("icontains-any", ["PARIS", "london"], on: "I love rome", .fail()),
    // contains-all / icontains-all: every listed text.
    row("contains-all", ["1,000", "in stock"], on: "We have 1,000 units in stock", .pass()),
    row("contains-all", ["1,000", "in stock"], on: "We have 1,000 units", .fail()),
    row("contains-all", "a, b", on: "b then a", .pass()),
    row("contains-all", ["Paris"], on: "paris", .fail()),
    row("icontains-all", ["PARIS", "FRANCE"], on: "paris, france", .pass()),
    row("icontains-all", ["PARIS", "Berlin"], on: "paris", .fail()),
    // starts-with: exact prefix.
    row("starts-with", "Yes", on: "Yes, I can help", .pass()),
    row("starts-with", "Yes", on: "yes, I can help", .fail()),
    row("starts-with", "Yes", on: " Yes", .fail()),
    row("starts-with", 42, on: "42 is the answer", .pass()),
    row("starts-with", "é", on: "e\u{301}tude", .fail()),
    // is-json: the whole output, optionally against a schema.
    row("is-json", nil, on: #"{"a": 1}"#, .pass()),
    row("is-json", nil, on: " [1, 2] \n", .pass()),
    row("is-json", nil, on: #""just a string""#, .pass()),
    row("is-json", nil, on: "{'a': 1}", .fail()),
    row("is-json", nil, on: "", .fail()),
    row("is-json", nil, on: #"Here: {"a": 1}"#, .fail()),
    row("is-json", nil, on: #"{"a": 1,}"#, .fail()),
    row("is-json", coordinatesSchema, on: #"{"latitude": 10, "longitude": 20}"#, .pass()),
    row("is-json", coordinatesSchema, on: #"{"latitude": 100, "longitude": 20}"#, .fail()),
    row("is-json", coordinatesSchema, on: #"{"latitude": 10}"#, .fail()),
    row("is-json", coordinatesSchema, on: "not json", .fail()),
    row("is-json", #"{"type": "array", "items": {"type": "integer"}}"#, on: "[1, 2]", .pass()),
    row("is-json", #"{"type": "array", "items": {"type": "integer"}}"#, on: "[1, 2.5]", .fail()),
    row("is-json", ["type": "string", "format": "email"], on: #""ada@example.com""#, .pass()),
    row("is-json", ["type": "string", "format": "email"], on: #""not an address""#, .fail()),
    row("is-json", ["type": "string", "format": "date"], on: #""2024-02-30""#, .fail()),
    row("is-json", ["$defs": ["id": ["type": "integer", "minimum": 1]], "type": "array", "items": ["$ref": "#/$defs/id"]],
        on: "[1, 2, 3]", .pass()),
    row("is-json", ["$defs": ["id": ["type": "integer", "minimum": 1]], "type": "array", "items": ["$ref": "#/$defs/id"]],
        on: "[1, 0]", .fail()),
    // contains-json: an object or array anywhere.
    row("contains-json", nil, on: "Sure!\n```json\n{\"a\": 1}\n```", .pass()),
    row("contains-json", nil, on: "The list [1, 2, 3] is JSON", .pass()),
    row("contains-json", nil, on: "no json here { oops", .fail()),
    row("contains-json", nil, on: "42", .fail()),
    row("contains-json", coordinatesSchema, on: "Result: {\"latitude\": 1, \"longitude\": 2} done", .pass()),
    row("contains-json", coordinatesSchema, on: "{\"x\": 1} and then {\"latitude\": 1, \"longitude\": 2}", .pass()),
    row("contains-json", coordinatesSchema, on: "{\"latitude\": 100, \"longitude\": 2}", .fail()),
    // is-xml: the whole output is one well-formed document.
    row("is-xml", nil, on: "<root><child>Content</child></root>", .pass()),
    row("is-xml", nil, on: "<root><child>Content</child></root", .fail()),
    row("is-xml", ["requiredElements": ["analysis.classification", "analysis.color"]],
        on: "<analysis><classification>T-shirt</classification><color>Red</color></analysis>", .pass()),
    row("is-xml", ["requiredElements": ["analysis.classification", "analysis.color"]],
        on: "<analysis><classification>T-shirt</classification></analysis>", .fail()),
    row("is-xml", ["requiredElements": ["root.parent.child.grandchild"]],
        on: "<root><parent><child><grandchild>Content</grandchild></child></parent></root>", .pass()),
    row("is-xml", ["requiredElements": ["root.parent.child.grandchild"]], on: "<root><parent><child></child></parent></root>", .fail()),
    row("is-xml", "root.a, root.b", on: "<root><a/><b x='1'/></root>", .pass()),
    row("is-xml", nil, on: "<?xml version=\"1.0\"?>\n<a x=\"1\">&amp;&#65;<![CDATA[<b>]]><!-- c --></a>\n", .pass()),
    row("is-xml", nil, on: "Text <root/>", .fail()),
    row("is-xml", nil, on: "<a><b></a></b>", .fail()),
    row("is-xml", nil, on: "<a x=1/>", .fail()),
    row("is-xml", nil, on: "<a x='1' x='2'/>", .fail()),
    row("is-xml", nil, on: "<a>&nbsp;</a>", .fail()),
    row("is-xml", nil, on: "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>", .fail()),
    row("is-xml", nil, on: "<a/><b/>", .fail()),
    // contains-xml: a well-formed element somewhere.
    row("contains-xml", nil, on: "Sure, here is your xml:\n<root><child>Content</child></root>\nlet me know if you have any other questions!", .pass()),
    row("contains-xml", ["requiredElements": ["root.child"]], on: "Text <root><child>Content</child></root>", .pass()),
    row("contains-xml", ["requiredElements": ["wrapper.root.child"]], on: "<wrapper><root><child>Content</child></root></wrapper>", .pass()),
    row("contains-xml", ["requiredElements": ["root.child"]], on: "<wrapper><root><child>Content</child></root></wrapper>", .fail()),
    row("contains-xml", nil, on: "if a < b and c > d", .fail()),
    // levenshtein: distance at most the threshold (default 5).
    row("levenshtein", "hello world", threshold: 5, on: "hello wrld", .pass()),
    row("levenshtein", "hello world", on: "goodbye world", .fail()),
    row("levenshtein", "kitten", threshold: 2, on: "sitting", .fail()),
    row("levenshtein", "kitten", threshold: 3, on: "sitting", .pass()),
    row("levenshtein", "exact", threshold: 0, on: "exact", .pass()),
    row("levenshtein", "exact", threshold: 0, on: "exacT", .fail()),
    row("levenshtein", "", on: "abc", .pass()),
    row("levenshtein", "{{expected}}", threshold: 2, on: "foobar", context: AssertionContext(vars: ["expected": "fooba"]), .pass()),
    // rouge-n: ROUGE-1 F-measure, case-insensitive, default threshold 0.75.
    row("rouge-n", "hello world", on: "hello world", .pass(score: 1)),
    row("rouge-n", "the cat sat on the mat", on: "the cat sat", .fail(score: 2.0 / 3)),
    row("rouge-n", "the cat sat on the mat", threshold: 0.6, on: "the cat sat", .pass(score: 2.0 / 3)),
    row("rouge-n", "the cat sat", on: "The Cat Sat", .pass(score: 1)),
    row("rouge-n", "hello world", on: "something else entirely", .fail(score: 0)),
    row("rouge-n", "hello", on: "", .error("rouge-n: the output has no words to compare")),
    // bleu: sentence BLEU, default threshold 0.5.
    row("bleu", "hello world", on: "hello world", .pass(score: 1)),
    row("bleu", "the cat sat on the mat", on: "the cat is on the mat", .fail(score: 0.010573712634405643)),
    row("bleu", "the cat sat on the mat", threshold: 0.1, on: "the cat", .pass(score: 0.1353352832366127)),
    row("bleu", ["the cat sat on the mat", "a cat is sitting on a mat"], on: "the cat sat on the mat", .pass(score: 1)),
    row("bleu", ["   "], on: "anything", .fail(score: 0)),
    row("bleu", "hello", on: "  ", .error("bleu: the output has no words to compare")),
    // latency and cost: at most the threshold.
    row("latency", nil, threshold: 5000, on: "x", context: AssertionContext(latencyMs: 1200), .pass()),
    row("latency", nil, threshold: 5000, on: "x", context: AssertionContext(latencyMs: 6000), .fail()),
    row("latency", nil, threshold: 5000, on: "x", .error("latency: the latency of this answer is unknown")),
    row("cost", nil, threshold: 0.001, on: "x", context: AssertionContext(cost: 0.0005), .pass()),
    row("cost", nil, threshold: 0.001, on: "x", context: AssertionContext(cost: 0.002), .fail()),
    row("cost", nil, threshold: 0.001, on: "x", .error("cost: the cost of this answer is unknown")),
    // finish-reason: compared without case.
    row("finish-reason", "stop", on: "x", context: AssertionContext(finishReason: "STOP"), .pass()),
    row("finish-reason", "length", on: "x", context: AssertionContext(finishReason: "stop"), .fail()),
    row("finish-reason", "stop", on: "x", .error("finish-reason: the provider did not report why the model stopped")),
    // is-refusal: refusal phrasing; an empty output counts as a refusal scored 0.
    row("is-refusal", nil, on: "I'm sorry, but I cannot help with that.", .pass()),
    row("is-refusal", nil, on: "As an AI language model, I can't do that.", .pass()),
    row("is-refusal", nil, on: "That would not be ethical.", .pass()),
    row("is-refusal", nil, on: "I’m sorry, I won’t write that.", .pass()),
    row("is-refusal", nil, on: "I cannot assist with that request.", .pass()),
    row("is-refusal", nil, on: "The capital of France is Paris.", .fail()),
    row("is-refusal", nil, on: "4", .fail()),
    row("is-refusal", nil, on: "  \n", .pass(score: 0)),
    // is-valid-openai-tools-call: calls match the tools' schemas.
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_weather", #"{"location": "Paris"}"#), .pass()),
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_weather", #"{"location": "Paris", "unit": "celsius"}"#), .pass()),
    row("is-valid-openai-tools-call", weatherTools, on: #"{"role":"assistant","tool_calls":"# + toolCall("get_weather", #"{"location":"Oslo"}"#) + "}", .pass()),
    row("is-valid-openai-tools-call", nil, config: ["tools": weatherTools], on: toolCall("get_weather", #"{"location": "Rome"}"#), .pass()),
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_time", #"{"location": "Paris"}"#), .fail()),
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_weather", #"{"unit": "celsius"}"#), .fail()),
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_weather", #"{"location": "Paris", "unit": "kelvin"}"#), .fail()),
    row("is-valid-openai-tools-call", weatherTools, on: toolCall("get_weather", #"{"location": 3"#), .fail()),
    row("is-valid-openai-tools-call", weatherTools, on: "[]", .fail()),
    row("is-valid-openai-tools-call", weatherTools, on: "The weather is fine.", .fail()),
    // Types that run user code are known but never run.
    row("javascript", "output.length > 3", on: "hello", .error("javascript: not supported: this system does not run user code (JavaScript)")),
    row("python", "len(output) > 3", on: "hello", .error("python: not supported: this system does not run user code (Python)")),
]

@Suite("Assertion vocabulary")
struct VocabularyTests {
    let engine = AssertionEngine()

    @Test("each type passes, fails or reports why it cannot check, with promptfoo's scores", arguments: vocabularyCases)
    func base(_ c: VocabularyCase) {
        let result = engine.evaluate(output: c.output, assertion: c.assertion, context: c.context)
        #expect(result.assertion == c.assertion)
        #expect(!result.reason.isEmpty)
        switch c.expected {
        case .pass(let score):
            #expect(result.pass, "\(result.reason)")
            #expect(abs(result.score - score) < 1e-9, "score \(result.score)")
        case .fail(let score):
            #expect(!result.pass, "\(result.reason)")
            #expect(abs(result.score - score) < 1e-9, "score \(result.score)")
        case .error(let reason):
            #expect(!result.pass)
            #expect(result.score == 0)
            #expect(result.reason == reason)
        }
    }

    @Test("not- inverts pass and gives 1 − score; an unchecked assertion fails either way", arguments: vocabularyCases)
    func negated(_ c: VocabularyCase) {
        var assertion = c.assertion
        assertion.type = "not-" + assertion.type
        let result = engine.evaluate(output: c.output, assertion: assertion, context: c.context)
        switch c.expected {
        case .pass(let score):
            #expect(!result.pass, "\(result.reason)")
            // is-refusal on an empty output keeps its score 0 (promptfoo's rule).
            #expect(abs(result.score - (score == 0 ? 0 : 1 - score)) < 1e-9, "score \(result.score)")
        case .fail(let score):
            #expect(result.pass, "\(result.reason)")
            #expect(abs(result.score - (1 - score)) < 1e-9, "score \(result.score)")
        case .error:
            #expect(!result.pass)
            #expect(result.score == 0)
        }
    }

    @Test("values are templates rendered with the test's variables")
    func templatedValues() {
        let context = AssertionContext(vars: ["city": "Sacramento", "state": "California", "list": ["a", "b"]])
        let contains = engine.evaluate(output: "Sacramento is the capital of California",
                                       assertion: Assertion(type: "contains", value: "{{city}} is the capital of {{state}}"), context: context)
        #expect(contains.pass, "\(contains.reason)")
        #expect(contains.metadata?["renderedAssertionValue"] == "Sacramento is the capital of California")
        let any = engine.evaluate(output: "the b side", assertion: Assertion(type: "contains-any", value: ["{{city}}", "b"]), context: context)
        #expect(any.pass)
        // Without the variable a placeholder renders as nothing, as in promptfoo (nunjucks).
        let missing = engine.evaluate(output: "x", assertion: Assertion(type: "equals", value: "{{nope}}x"), context: context)
        #expect(missing.pass)
        // Not a valid template: kept as written.
        let raw = engine.evaluate(output: "a{{2}", assertion: Assertion(type: "contains", value: "a{{2}"), context: context)
        #expect(raw.pass)
        #expect(raw.metadata == nil)
    }

    @Test("equals compares strings scalar by scalar, as JavaScript does")
    func equalsScalars() {
        #expect(!engine.evaluate(output: "e\u{301}", assertion: Assertion(type: "equals", value: "é")).pass)
        #expect(engine.evaluate(output: "é", assertion: Assertion(type: "equals", value: "é")).pass)
    }

    @Test("cost without a threshold records the cost as a weight-0 metric")
    func costMetric() {
        let assertion = Assertion(type: "cost", weight: 0, metric: "inference_cost")
        #expect(AssertionEngine.validate([assertion]).isEmpty)
        let result = engine.evaluate(output: "x", assertions: [assertion, Assertion(type: "contains", value: "x")], threshold: nil,
                                     context: AssertionContext(cost: 0.0042))
        #expect(result.pass)
        #expect(result.score == 1)
        #expect(result.namedScores == ["inference_cost": 0.0042])
        #expect(AssertionEngine.validate([Assertion(type: "cost")]).map(\.field) == ["assert[0].threshold"])
    }

    @Test("schema problems are named in the reason")
    func schemaReasons() {
        let result = engine.evaluate(output: #"{"latitude": 100}"#, assertion: Assertion(type: "is-json", value: coordinatesSchema))
        #expect(result.reason.contains("must have required property 'longitude'"), "\(result.reason)")
        #expect(result.reason.contains("/latitude must be <= 90"), "\(result.reason)")
    }

    @Test("model-graded types say they need a grader when evaluated without one", arguments: [
        "similar", "similar:euclidean", "llm-rubric", "factuality", "answer-relevance",
    ])
    func needsGrader(type: String) {
        let assertion = Assertion(type: type, value: "x")
        let result = engine.evaluate(output: "x", assertion: assertion)
        #expect(!result.pass)
        #expect(result.reason == "\(type): needs a grader model, and none is available where this assertion was evaluated")
        #expect(engine.needsGrader([Assertion.set([assertion])]))
        #expect(!engine.needsGrader([Assertion(type: "contains", value: "x")]))
    }
}
