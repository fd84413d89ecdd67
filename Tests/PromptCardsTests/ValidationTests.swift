import PromptCards
import Testing

@Suite("Validation")
struct ValidationTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let assertions: [Assertion]
        let issues: [AssertionIssue]
        var testDescription: String { name }
    }

    @Test("reports each problem with its field path", arguments: [
        Case(name: "valid", assertions: [
            Assertion(type: "contains", value: "a"), Assertion(type: "not-icontains", value: 3),
            Assertion(type: "regex", value: "^\\d+$"), Assertion(type: "equals", value: ["a": 1], weight: 0, metric: "m"),
        ], issues: []),
        Case(name: "unknown type", assertions: [Assertion(type: "contains", value: "a"), Assertion(type: "foo", value: "a")],
             issues: [AssertionIssue(field: "assert[1].type", reason: "unknown assertion type \"foo\"")]),
        Case(name: "unknown negated type", assertions: [Assertion(type: "not-foo")],
             issues: [AssertionIssue(field: "assert[0].type", reason: "unknown assertion type \"not-foo\"")]),
        Case(name: "bare not-", assertions: [Assertion(type: "not-", value: "a")],
             issues: [AssertionIssue(field: "assert[0].type", reason: "unknown assertion type \"not-\"")]),
        Case(name: "empty type", assertions: [Assertion(type: "")],
             issues: [AssertionIssue(field: "assert[0].type", reason: "assertion type is required")]),
        Case(name: "missing value", assertions: [Assertion(type: "contains", value: "a"), Assertion(type: "contains")],
             issues: [AssertionIssue(field: "assert[1].value", reason: "contains: value is required")]),
        Case(name: "missing equals value", assertions: [Assertion(type: "not-equals")],
             issues: [AssertionIssue(field: "assert[0].value", reason: "not-equals: value is required")]),
        Case(name: "empty value", assertions: [Assertion(type: "icontains", value: "")],
             issues: [AssertionIssue(field: "assert[0].value", reason: "icontains: value must not be empty")]),
        Case(name: "object value for contains", assertions: [Assertion(type: "contains", value: ["a": 1])],
             issues: [AssertionIssue(field: "assert[0].value", reason: "contains: value must be a string or a number")]),
        Case(name: "number for regex", assertions: [Assertion(type: "regex", value: 1)],
             issues: [AssertionIssue(field: "assert[0].value", reason: "regex: value must be a string")]),
        Case(name: "invalid regex", assertions: [Assertion(type: "equals", value: "x"), Assertion(type: "contains", value: "y"),
                                                 Assertion(type: "regex", value: "(abc")],
             issues: [AssertionIssue(field: "assert[2].value", reason: "regex: invalid pattern \"(abc\"")]),
        Case(name: "invalid negated regex", assertions: [Assertion(type: "not-regex", value: "[z-a]")],
             issues: [AssertionIssue(field: "assert[0].value", reason: "not-regex: invalid pattern \"[z-a]\"")]),
        Case(name: "negative weight", assertions: [Assertion(type: "contains", value: "a", weight: -1)],
             issues: [AssertionIssue(field: "assert[0].weight", reason: "weight must be a finite number ≥ 0")]),
        Case(name: "infinite threshold", assertions: [Assertion(type: "contains", value: "a", threshold: .infinity)],
             issues: [AssertionIssue(field: "assert[0].threshold", reason: "threshold must be a finite number")]),
        Case(name: "several problems in order", assertions: [
            Assertion(type: "bar"), Assertion(type: "contains", value: "ok"), Assertion(type: "regex", weight: .nan),
        ], issues: [
            AssertionIssue(field: "assert[0].type", reason: "unknown assertion type \"bar\""),
            AssertionIssue(field: "assert[2].weight", reason: "weight must be a finite number ≥ 0"),
            AssertionIssue(field: "assert[2].value", reason: "regex: value is required"),
        ]),
    ])
    func validate(_ c: Case) {
        #expect(AssertionEngine().validate(c.assertions) == c.issues)
        #expect(AssertionEngine.validate(c.assertions) == c.issues)
    }

    @Test("every type's value shapes are accepted", arguments: [
        Assertion(type: "contains-any", value: ["a", 1]), Assertion(type: "icontains-all", value: "a, \"b, c\""),
        Assertion(type: "starts-with", value: "Yes"), Assertion(type: "is-json"), Assertion(type: "is-json", value: ["type": "object"]),
        Assertion(type: "is-json", value: "{\"type\": \"array\"}"), Assertion(type: "contains-json", value: true),
        Assertion(type: "is-xml"), Assertion(type: "is-xml", value: ["requiredElements": ["a.b"]]), Assertion(type: "contains-xml", value: "a.b"),
        Assertion(type: "levenshtein", value: "x", threshold: 0), Assertion(type: "rouge-n", value: "x", threshold: 0.5),
        Assertion(type: "bleu", value: ["x", "y"]), Assertion(type: "latency", threshold: 500), Assertion(type: "cost", threshold: 0.01),
        Assertion(type: "finish-reason", value: "stop"), Assertion(type: "not-is-refusal"),
        Assertion(type: "is-valid-openai-tools-call", value: weatherTools),
        Assertion(type: "similar", value: ["a", "b"], threshold: 0.8, provider: "smollm2"), Assertion(type: "similar:dot", value: "x"),
        Assertion(type: "llm-rubric", value: "is polite", provider: ["id": "smollm2"]), Assertion(type: "llm-rubric", value: ["criteria": "x"]),
        Assertion(type: "factuality", value: "Paris", config: ["factuality": ["disagree": 0.2]]),
        Assertion(type: "answer-relevance", threshold: 0.7, provider: ["text": "smollm2", "embedding": "smollm2"]),
        Assertion.set([Assertion(type: "contains", value: "a")], threshold: 0.5),
    ])
    func accepted(assertion: Assertion) {
        #expect(AssertionEngine.validate([assertion]) == [])
    }

    @Test("bad value shapes are rejected with the field at fault", arguments: [
        (Assertion(type: "contains-any"), "assert[0].value", "contains-any: value is required"),
        (Assertion(type: "contains-all", value: []), "assert[0].value", "contains-all: value must list at least one text"),
        (Assertion(type: "icontains-any", value: ["a", ["b"]]), "assert[0].value[1]", "icontains-any: each value must be a non-empty string or a number"),
        (Assertion(type: "starts-with", value: [1]), "assert[0].value", "starts-with: value must be a string or a number"),
        (Assertion(type: "is-json", value: "not json"), "assert[0].value", "is-json: value must be a JSON Schema (an object, or its JSON text)"),
        (Assertion(type: "is-json", value: ["type": "strnig"]), "assert[0].value.type",
         "is-json: invalid JSON Schema: unknown type \"strnig\" (use array, boolean, integer, null, number, object, string)"),
        (Assertion(type: "contains-json", value: ["properties": ["a": ["pattern": "(x"]]]), "assert[0].value.properties.a.pattern",
         "contains-json: invalid JSON Schema: invalid regular expression \"(x\""),
        (Assertion(type: "is-json", value: ["$ref": "https://example.com/schema.json"]), "assert[0].value.$ref",
         "is-json: invalid JSON Schema: cannot resolve $ref \"https://example.com/schema.json\" (only references within this schema are supported)"),
        (Assertion(type: "is-xml", value: ["requiredElements": "a"]), "assert[0].value.requiredElements",
         "is-xml: must be an array of element paths like \"root.child\""),
        (Assertion(type: "levenshtein", value: "x", threshold: -1), "assert[0].threshold", "levenshtein: threshold must be a distance ≥ 0"),
        (Assertion(type: "bleu", value: 3), "assert[0].value", "bleu: value must be a string or a non-empty array of strings"),
        (Assertion(type: "latency"), "assert[0].threshold", "latency: threshold is required (the most milliseconds allowed)"),
        (Assertion(type: "cost", threshold: -1), "assert[0].threshold", "cost: threshold must be ≥ 0 dollars"),
        (Assertion(type: "finish-reason"), "assert[0].value", "finish-reason: value is required"),
        (Assertion(type: "is-valid-openai-tools-call"), "assert[0].value",
         "is-valid-openai-tools-call: value (or config.tools) must be the array of OpenAI tool definitions the calls are checked against"),
        (Assertion(type: "is-valid-openai-tools-call", value: [["function": ["parameters": [:]]]]), "assert[0].value[0].function.name",
         "is-valid-openai-tools-call: each tool needs a function name"),
        (Assertion(type: "similar", value: []), "assert[0].value", "similar: value must be a string or a non-empty array of non-empty strings"),
        (Assertion(type: "llm-rubric"), "assert[0].value", "llm-rubric: value is required (the rubric to grade by)"),
        (Assertion(type: "llm-rubric", value: "x", provider: 3), "assert[0].provider",
         "llm-rubric: provider must be a model name or an object with an id"),
        (Assertion(type: "contains", value: "x", provider: "smollm2"), "assert[0].provider", "contains: only model-graded types take a provider"),
        (Assertion(type: "factuality", value: "x", config: ["factuality": ["agree": 2]]), "assert[0].config.factuality",
         "factuality: must map subset, superset, agree, disagree, differButFactual to scores between 0 and 1"),
        (Assertion(type: "contains", value: "x", transform: "output.trim()"), "assert[0].transform",
         "contains: transform is not supported (it is JavaScript, and this system does not run user code)"),
        (Assertion(type: "javascript", value: "output.length > 1"), "assert[0].type",
         "javascript: not supported: this system does not run user code (JavaScript)"),
        (Assertion(type: "not-python", value: "True"), "assert[0].type", "not-python: not supported: this system does not run user code (Python)"),
    ])
    func rejected(assertion: Assertion, field: String, reason: String) {
        #expect(AssertionEngine.validate([assertion]) == [AssertionIssue(field: field, reason: reason)])
    }

    @Test("field paths can be nested under another prefix")
    func prefix() {
        let issues = AssertionEngine().validate([Assertion(type: "contains")], fieldPrefix: "tests[3].assert")
        #expect(issues == [AssertionIssue(field: "tests[3].assert[0].value", reason: "contains: value is required")])
        #expect(issues.first?.description == "tests[3].assert[0].value: contains: value is required")
    }

    @Test("nothing to validate means no issues")
    func empty() {
        #expect(AssertionEngine().validate([]).isEmpty)
    }
}
