import Foundation
import PromptCards
import TestSupport
import Testing

/// A valid assertion of every deterministic type, for the edge cases below.
let everyDeterministicType: [Assertion] = [
    Assertion(type: "equals", value: "x"), Assertion(type: "equals", value: ["a": 1]),
    Assertion(type: "contains", value: "x"), Assertion(type: "icontains", value: "X"),
    Assertion(type: "contains-any", value: ["x", "y"]), Assertion(type: "contains-all", value: ["x", "y"]),
    Assertion(type: "icontains-any", value: ["X", "Y"]), Assertion(type: "icontains-all", value: ["X", "Y"]),
    Assertion(type: "starts-with", value: "x"), Assertion(type: "regex", value: "x+$"),
    Assertion(type: "is-json"), Assertion(type: "is-json", value: coordinatesSchema),
    Assertion(type: "contains-json"), Assertion(type: "contains-json", value: coordinatesSchema),
    Assertion(type: "is-xml"), Assertion(type: "contains-xml", value: ["requiredElements": ["a.b"]]),
    Assertion(type: "levenshtein", value: "hello"), Assertion(type: "rouge-n", value: "hello world"),
    Assertion(type: "bleu", value: "hello world"), Assertion(type: "latency", threshold: 100),
    Assertion(type: "cost", threshold: 0.01), Assertion(type: "finish-reason", value: "stop"),
    Assertion(type: "is-refusal"), Assertion(type: "is-valid-openai-tools-call", value: weatherTools),
]

@Suite("Edge cases", .serialized)
struct EdgeCaseTests {
    let engine = AssertionEngine()
    let context = AssertionContext(latencyMs: 10, cost: 0.001, finishReason: "stop")

    /// Evaluates and checks the invariants every result keeps.
    func evaluate(_ output: String, _ assertion: Assertion, within limit: Duration = .seconds(10)) -> GradingResult {
        var result: GradingResult?
        let elapsed = CPUTime.measure {
            result = engine.evaluate(output: output, assertion: assertion, context: context)
        }
        #expect(elapsed < limit, "\(assertion.type) took \(elapsed)")
        let graded = result!
        #expect((0...1).contains(graded.score), "\(assertion.type): score \(graded.score)")
        #expect(!graded.reason.isEmpty)
        #expect(graded.reason.count < 2_000, "\(assertion.type): a \(graded.reason.count)-character reason")
        return graded
    }

    @Test("every type handles an empty output", arguments: everyDeterministicType)
    func emptyOutput(assertion: Assertion) {
        let result = evaluate("", assertion)
        // Only "is-refusal" (an empty answer is a refusal) and latency/cost (which do not look at the
        // output) pass on nothing.
        #expect(result.pass == ["is-refusal", "latency", "cost", "finish-reason", "levenshtein"].contains(assertion.type),
                "\(assertion.type): \(result.reason)")
    }

    @Test("every type handles a 1 MB output quickly", arguments: everyDeterministicType)
    func hugeOutput(assertion: Assertion) {
        let output = String(repeating: "lorem ipsum {\"a\": [1, 2]} <b>dolor</b> sit amet ", count: 22_000) + "xy"
        #expect(output.utf8.count > 1_000_000)
        _ = evaluate(output, assertion)
    }

    @Test("every type handles invalid UTF-8 (decoded with replacement characters)", arguments: everyDeterministicType)
    func invalidUTF8(assertion: Assertion) {
        let bytes: [UInt8] = [0x78, 0xFF, 0xFE, 0xC3, 0x28, 0xE2, 0x82, 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x31, 0x7D, 0xF0, 0x9F]
        let output = String(decoding: bytes, as: UTF8.self)
        #expect(output.contains("\u{FFFD}"))
        _ = evaluate(output, assertion)
    }

    @Test("a catastrophic pattern inside a JSON Schema is cut off by the time limit")
    func catastrophicSchemaPattern() {
        let schema: JSONValue = ["type": "string", "pattern": "^(a+)+$"]
        let result = evaluate("\"" + String(repeating: "a", count: 32) + "!\"", Assertion(type: "is-json", value: schema), within: .seconds(5))
        #expect(!result.pass)
        #expect(result.reason.contains("matching timed out"), "\(result.reason)")
    }

    @Test("text made to be expensive for the JSON and XML searches is bounded", arguments: [
        ("contains-json", String(repeating: "[", count: 1_000_000)),
        ("contains-json", String(repeating: "{\"a\":", count: 200_000)),
        ("is-json", String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)),
        ("contains-xml", String(repeating: "<a>", count: 300_000)),
        ("is-xml", String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)),
    ])
    func boundedSearches(type: String, output: String) {
        let result = evaluate(output, Assertion(type: type), within: .seconds(15))
        #expect(!result.pass, "\(result.reason)")
    }

    @Test("levenshtein decides megabytes quickly within a small threshold, and refuses a costly comparison")
    func levenshteinBounds() {
        let big = String(repeating: "abcdefghij", count: 100_000)
        let close = evaluate(big + "x", Assertion(type: "levenshtein", value: .string(big), threshold: 5))
        #expect(close.pass, "\(close.reason)")
        let far = evaluate(String(big.reversed()), Assertion(type: "levenshtein", value: .string(big), threshold: 5))
        #expect(!far.pass)
        let costly = evaluate(String(big.reversed()), Assertion(type: "levenshtein", value: .string(big), threshold: 1_000_000))
        #expect(!costly.pass)
        #expect(costly.reason.contains("too costly"), "\(costly.reason)")
    }

    @Test("deep nesting is refused, not a stack overflow")
    func deepNesting() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let allowed = try JSONParser.parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500))
        #expect(allowed.arrayValue != nil)
    }
}
