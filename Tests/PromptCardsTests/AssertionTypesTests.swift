import Foundation
import PromptCards
import TestSupport
import Testing

/// One row of an assertion-type table: the base type passes or fails on an output.
struct TypeCase: Sendable, CustomTestStringConvertible {
    let type: String
    let value: JSONValue
    let output: String
    let pass: Bool
    var testDescription: String { "\(type) \(value.jsonText) on \(output.debugDescription) → \(pass ? "pass" : "fail")" }
}

let typeCases: [TypeCase] = [
    // equals
    TypeCase(type: "equals", value: "hello", output: "hello", pass: true),
    TypeCase(type: "equals", value: "hello", output: "Hello", pass: false),
    TypeCase(type: "equals", value: "hello", output: "hello ", pass: false),
    TypeCase(type: "equals", value: "", output: "", pass: true),
    TypeCase(type: "equals", value: "x", output: "", pass: false),
    TypeCase(type: "equals", value: 42, output: "42", pass: true),
    TypeCase(type: "equals", value: 42, output: "42.0", pass: true),
    TypeCase(type: "equals", value: 42, output: "43", pass: false),
    TypeCase(type: "equals", value: 0.5, output: "0.5", pass: true),
    TypeCase(type: "equals", value: true, output: "true", pass: true),
    TypeCase(type: "equals", value: true, output: "yes", pass: false),
    TypeCase(type: "equals", value: ["a": 1, "b": [1, 2]], output: "{\"b\": [1, 2],\n \"a\": 1.0}", pass: true),
    TypeCase(type: "equals", value: ["a": 1], output: "{\"a\": 1, \"b\": 2}", pass: false),
    TypeCase(type: "equals", value: ["a": ["x": nil]], output: "{\"a\": {\"x\": null}}", pass: true),
    TypeCase(type: "equals", value: [1, 2], output: "[2, 1]", pass: false),
    TypeCase(type: "equals", value: [1, 2], output: " [1,2] ", pass: true),
    TypeCase(type: "equals", value: ["a": 1], output: "not json", pass: false),
    TypeCase(type: "equals", value: ["a": 1], output: "", pass: false),
    // contains
    TypeCase(type: "contains", value: "world", output: "hello world", pass: true),
    TypeCase(type: "contains", value: "World", output: "hello world", pass: false),
    TypeCase(type: "contains", value: "x", output: "", pass: false),
    TypeCase(type: "contains", value: 42, output: "the answer is 42.", pass: true),
    TypeCase(type: "contains", value: 4.5, output: "rated 4.5 stars", pass: true),
    TypeCase(type: "contains", value: 7, output: "seven", pass: false),
    TypeCase(type: "contains", value: "日本", output: "I like 日本語", pass: true),
    // icontains
    TypeCase(type: "icontains", value: "WORLD", output: "hello world", pass: true),
    TypeCase(type: "icontains", value: "world", output: "HELLO WORLD", pass: true),
    TypeCase(type: "icontains", value: "ÉTÉ", output: "l'été", pass: true),
    TypeCase(type: "icontains", value: "z", output: "abc", pass: false),
    TypeCase(type: "icontains", value: 10, output: "Top 10", pass: true),
    TypeCase(type: "icontains", value: "a", output: "", pass: false),
    // regex
    TypeCase(type: "regex", value: "^h.*o$", output: "hello", pass: true),
    TypeCase(type: "regex", value: "\\d{3}", output: "abc 123", pass: true),
    TypeCase(type: "regex", value: "\\d{3}", output: "abc 12", pass: false),
    TypeCase(type: "regex", value: "^$", output: "", pass: true),
    TypeCase(type: "regex", value: "a", output: "", pass: false),
    TypeCase(type: "regex", value: "HELLO", output: "hello", pass: false),
    TypeCase(type: "regex", value: "(?i)HELLO", output: "hello", pass: true),
    TypeCase(type: "regex", value: "^second$", output: "first\nsecond", pass: false),
    TypeCase(type: "regex", value: "(?m)^second$", output: "first\nsecond", pass: true),
]

@Suite("Assertion types")
struct AssertionTypesTests {
    let engine = AssertionEngine()

    @Test("each type passes and fails", arguments: typeCases)
    func base(_ c: TypeCase) {
        let assertion = Assertion(type: c.type, value: c.value)
        let result = engine.evaluate(output: c.output, assertion: assertion)
        #expect(result.pass == c.pass, "\(result.reason)")
        #expect(result.score == (c.pass ? 1 : 0))
        #expect(result.assertion == assertion)
        #expect(result.reason.hasPrefix(c.pass ? "Assertion passed: expected output to " : "Expected output to "))
        #expect(!result.reason.contains("output to not "))
    }

    @Test("not- inverts pass and score and says so", arguments: typeCases)
    func negated(_ c: TypeCase) {
        let assertion = Assertion(type: "not-" + c.type, value: c.value)
        let result = engine.evaluate(output: c.output, assertion: assertion)
        #expect(result.pass == !c.pass, "\(result.reason)")
        #expect(result.score == (c.pass ? 0 : 1))
        #expect(result.reason.hasPrefix(c.pass ? "Expected output to not " : "Assertion passed: expected output to not "))
    }

    @Test("reasons name the expectation", arguments: [
        ("contains", JSONValue.string("foo"), "a foo", "Assertion passed: expected output to contain \"foo\""),
        ("contains", "foo", "bar", "Expected output to contain \"foo\""),
        ("not-contains", "foo", "a foo", "Expected output to not contain \"foo\""),
        ("not-contains", "foo", "bar", "Assertion passed: expected output to not contain \"foo\""),
        ("icontains", "Foo", "bar", "Expected output to contain \"Foo\" (ignoring case)"),
        ("equals", "x", "y", "Expected output to equal \"x\""),
        ("equals", ["a": 1], "{", "Expected output to equal JSON \"{\"a\":1}\" (output is not valid JSON)"),
        ("regex", "^a+$", "b", "Expected output to match regex \"^a+$\""),
        ("not-regex", "b", "b", "Expected output to not match regex \"b\""),
    ] as [(String, JSONValue, String, String)])
    func reasons(type: String, value: JSONValue, output: String, expected: String) {
        #expect(engine.evaluate(output: output, assertion: Assertion(type: type, value: value)).reason == expected)
    }

    @Test("handles a 1 MB output", arguments: [
        ("contains", JSONValue.string("NEEDLE"), true),
        ("contains", "HAYSTACK", false),
        ("icontains", "needle", true),
        ("regex", "NEEDLE$", true),
        ("regex", "^x+$", false),
        ("not-contains", "NEEDLE", false),
    ])
    func largeOutput(type: String, value: JSONValue, pass: Bool) {
        let output = String(repeating: "lorem ipsum dolor sit amet ", count: 40_000) + "NEEDLE"
        #expect(output.utf8.count > 1_000_000)
        var result: GradingResult?
        let elapsed = CPUTime.measure {
            result = engine.evaluate(output: output, assertion: Assertion(type: type, value: value))
        }
        #expect(result?.pass == pass, "\(result?.reason ?? "")")
        #expect(elapsed < .seconds(5), "took \(elapsed) of CPU time")
    }

    @Test("equals on a 1 MB value keeps the reason short")
    func largeEquals() {
        let big = String(repeating: "x", count: 1_048_576)
        let passing = engine.evaluate(output: big, assertion: Assertion(type: "equals", value: .string(big)))
        #expect(passing.pass)
        let failing = engine.evaluate(output: big + "y", assertion: Assertion(type: "equals", value: .string(big)))
        #expect(!failing.pass)
        #expect(failing.reason.count < 400)
        #expect(failing.reason.contains("1048576 characters"))
    }

    @Test("an invalid regex fails with a reason, also when negated", arguments: ["regex", "not-regex"])
    func invalidRegex(type: String) {
        let result = engine.evaluate(output: "anything (abc", assertion: Assertion(type: type, value: "(abc"))
        #expect(!result.pass)
        #expect(result.score == 0)
        #expect(result.reason.hasPrefix("invalid regex: \"(abc\""), "\(result.reason)")
    }

    @Test("a catastrophic regex is cut off by the time limit", arguments: ["regex", "not-regex"])
    func catastrophicRegex(type: String) {
        let output = String(repeating: "a", count: 30) + "!"
        var result: GradingResult?
        let elapsed = CPUTime.measure {
            result = engine.evaluate(output: output, assertion: Assertion(type: type, value: "(a+)+$"))
        }
        // Unbounded, this pattern takes ~2^30 steps (minutes); the 250 ms limit stops it.
        #expect(elapsed < .seconds(2), "took \(elapsed) of CPU time")
        #expect(result?.pass == false)
        #expect(result?.score == 0)
        #expect(result?.reason.contains("timed out after 250 ms") == true, "\(result?.reason ?? "")")
    }

    @Test("the regex time limit is configurable")
    func regexTimeLimit() {
        var limits = AssertionLimits.standard
        limits.regexMatch = limits.regexMatch.with(limit: 20)
        var result: GradingResult?
        let elapsed = CPUTime.measure {
            result = engine.evaluate(output: String(repeating: "a", count: 40) + "!",
                                     assertion: Assertion(type: "regex", value: "(a+)+$"), limits: limits)
        }
        // The reason proves the configured limit was used; the wall bound only has to be finite (unbounded,
        // this search never ends) and far above a loaded machine's scheduling noise.
        #expect(elapsed < .seconds(5), "took \(elapsed) of CPU time")
        #expect(result?.reason.contains("timed out after 20 ms") == true)
        // A quick pattern with the same limits is unaffected.
        let quick = Assertion(type: "regex", value: "a+!$")
        #expect(engine.evaluate(output: "aaa!", assertion: quick, limits: limits).pass)
    }

    @Test("a bad or missing value fails with the validation reason", arguments: [
        (Assertion(type: "contains"), "contains: value is required"),
        (Assertion(type: "not-contains", value: ""), "not-contains: value must not be empty"),
        (Assertion(type: "icontains", value: ["a"]), "icontains: value must be a string or a number"),
        (Assertion(type: "regex", value: 5), "regex: value must be a string"),
        (Assertion(type: "equals"), "equals: value is required"),
        (Assertion(type: "foo", value: "x"), "unknown assertion type \"foo\""),
        (Assertion(type: "not-foo", value: "x"), "unknown assertion type \"not-foo\""),
        (Assertion(type: "contains", value: "x", weight: -1), "weight must be a finite number ≥ 0"),
    ])
    func invalidAssertion(assertion: Assertion, reason: String) {
        // "x" is in the output, so a negated type would pass if the error were inverted.
        let result = engine.evaluate(output: "x", assertion: assertion)
        #expect(!result.pass)
        #expect(result.score == 0)
        #expect(result.reason == reason)
    }
}
