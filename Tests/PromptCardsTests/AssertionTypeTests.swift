import PromptCards
import Testing

@Suite("AssertionType and registry")
struct AssertionTypeTests {
    @Test("parses the base type and the not- prefix", arguments: [
        ("contains", "contains", false),
        ("not-contains", "contains", true),
        ("icontains", "icontains", false),
        ("not-icontains", "icontains", true),
        ("equals", "equals", false),
        ("not-equals", "equals", true),
        ("regex", "regex", false),
        ("not-regex", "regex", true),
    ])
    func parses(raw: String, base: String, negated: Bool) throws {
        let type = try AssertionType(parsing: raw)
        #expect(type.baseName == base)
        #expect(type.isNegated == negated)
        #expect(type.name == raw)
        #expect(type.description == raw)
    }

    @Test("rejects unknown types, naming them", arguments: [
        ("foo", "unknown assertion type \"foo\""),
        ("not-foo", "unknown assertion type \"not-foo\""),
        ("not-not-contains", "unknown assertion type \"not-not-contains\""),
        ("Contains", "unknown assertion type \"Contains\""),
        ("not-", "unknown assertion type \"not-\""),
        ("", "assertion type is required"),
    ])
    func rejects(raw: String, reason: String) {
        let error = #expect(throws: AssertionTypeError.self) { try AssertionType(parsing: raw) }
        #expect(error?.type == raw)
        #expect(error?.reason == reason)
    }

    @Test("the standard registry knows the built-in types")
    func standard() {
        #expect(AssertionRegistry.standard.typeNames == [
            "answer-relevance", "bleu", "contains", "contains-all", "contains-any", "contains-json", "contains-xml", "cost",
            "equals", "factuality", "finish-reason", "icontains", "icontains-all", "icontains-any", "is-json", "is-refusal",
            "is-valid-openai-tools-call", "is-xml", "javascript", "latency", "levenshtein", "llm-rubric", "python", "regex",
            "rouge-n", "ruby", "similar", "similar:cosine", "similar:dot", "similar:euclidean", "starts-with", "webhook",
        ])
        #expect(AssertionRegistry.standard.evaluator(named: "regex") is RegexEvaluator)
        #expect(AssertionRegistry.standard.evaluator(named: "not-regex") == nil)
    }

    /// A type defined outside the module, the way a new type is added: one evaluator.
    struct HasPrefixEvaluator: AssertionEvaluator {
        var typeName: String { "has-prefix" }
        func validate(_ assertion: Assertion) -> [AssertionIssue] {
            assertion.value?.stringValue == nil ? [AssertionIssue(field: "value", reason: "value must be a string")] : []
        }
        func evaluate(output: String, assertion: Assertion, context: AssertionContext) -> AssertionVerdict {
            guard let prefix = assertion.value?.stringValue else { return .error("has-prefix: value must be a string") }
            return .binary(output.hasPrefix(prefix), expectation: "start with \"\(prefix)\" (prompt was \(context.prompt.count) characters)")
        }
    }

    @Test("a registered evaluator is parsed, negated, validated and run")
    func extensible() throws {
        var registry = AssertionRegistry.standard
        registry.register(HasPrefixEvaluator())
        let engine = AssertionEngine(registry: registry)
        let context = AssertionContext(vars: ["x": 1], prompt: "abc", latencyMs: 12, cost: 0.001)

        #expect(try AssertionType(parsing: "not-has-prefix", registry: registry).baseName == "has-prefix")
        #expect(throws: AssertionTypeError.self) { try AssertionType(parsing: "has-prefix") }

        let pass = engine.evaluate(output: "Hello", assertion: Assertion(type: "has-prefix", value: "He"), context: context)
        #expect(pass.pass)
        #expect(pass.reason == "Assertion passed: expected output to start with \"He\" (prompt was 3 characters)")
        let negated = engine.evaluate(output: "Hello", assertion: Assertion(type: "not-has-prefix", value: "He"), context: context)
        #expect(!negated.pass)
        #expect(engine.validate([Assertion(type: "has-prefix", value: 1)])
            == [AssertionIssue(field: "assert[0].value", reason: "has-prefix: value must be a string")])
        #expect(AssertionEngine().validate([Assertion(type: "has-prefix", value: "a")]).first?.field == "assert[0].type")
    }
}
