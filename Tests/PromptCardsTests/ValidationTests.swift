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
