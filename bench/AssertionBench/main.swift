import Foundation
import PromptCards

// Assertions per second for a mixed set of deterministic assertions, on one thread (the
// script pins the process to one core). Each round grades three outputs — a short answer, a
// JSON answer, a 2 KB paragraph — against the whole set, as the queue-worker grades a test case.

let schema: JSONValue = [
    "type": "object", "required": ["city", "population"],
    "properties": ["city": ["type": "string", "minLength": 1], "population": ["type": "integer", "minimum": 0]],
]
let mixedSet: [Assertion] = [
    Assertion(type: "contains", value: "Paris"),
    Assertion(type: "icontains", value: "paris"),
    Assertion(type: "contains-any", value: ["Paris", "Lyon", "Nice"]),
    Assertion(type: "icontains-all", value: ["paris", "france"]),
    Assertion(type: "starts-with", value: "The"),
    Assertion(type: "regex", value: "\\b[A-Z][a-z]+\\b"),
    Assertion(type: "equals", value: ["city": "Paris", "population": 2_102_650]),
    Assertion(type: "is-json", value: schema),
    Assertion(type: "contains-json", value: schema),
    Assertion(type: "is-xml"),
    Assertion(type: "levenshtein", value: "The capital of France is Paris.", threshold: 5),
    Assertion(type: "rouge-n", value: "The capital of France is Paris."),
    Assertion(type: "bleu", value: "The capital of France is Paris."),
    Assertion(type: "not-is-refusal"),
    Assertion(type: "latency", threshold: 5000),
    Assertion.set([Assertion(type: "contains", value: "France"), Assertion(type: "not-contains", value: "Berlin")], threshold: 0.5),
]
let paragraph = String(repeating: "Paris, the capital of France, sits on the Seine; its museums draw millions of visitors. ", count: 24)
let outputs = [
    "The capital of France is Paris.",
    #"{"city": "Paris", "population": 2102650, "country": "France"}"#,
    "The answer: " + paragraph,
]
let context = AssertionContext(vars: ["country": "France"], prompt: "What is the capital of France?", latencyMs: 420)
let engine = AssertionEngine.standard

precondition(engine.validate(mixedSet).isEmpty, "the benchmark's assertions must be valid")

/// Grades every output against the set for `duration`; returns (assertions, seconds).
func run(for duration: Duration, assertions: [Assertion]) -> (count: Int, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    var checksum = 0.0
    while clock.now - start < duration {
        for output in outputs {
            let result = engine.evaluate(output: output, assertions: assertions, threshold: nil, context: context)
            checksum += result.score
            count += assertions.count
        }
    }
    let elapsed = clock.now - start
    keep(checksum)
    return (count, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Keeps a result alive so the optimizer cannot drop the work that made it.
@inline(never) func keep(_ value: Double) {
    if value.isNaN { print("") }
}

func grouped(_ value: Double) -> String {
    let formatter = NumberFormatter()
    formatter.numberStyle = .decimal
    formatter.maximumFractionDigits = 0
    return formatter.string(from: NSNumber(value: value)) ?? String(Int(value))
}

let seconds = Double(ProcessInfo.processInfo.environment["BENCH_SECONDS"] ?? "") ?? 5
_ = run(for: .seconds(1), assertions: mixedSet)  // warm-up
let mixed = run(for: .seconds(seconds), assertions: mixedSet)
let rate = Double(mixed.count) / mixed.seconds
print("assertion-bench: \(mixedSet.count) assertions (\(Set(mixedSet.map(\.type)).count) types) × \(outputs.count) outputs, one thread")
print("  mixed set: \(grouped(rate)) assertions/s (\(grouped(rate / Double(mixedSet.count))) test cases/s) over \(String(format: "%.1f", mixed.seconds)) s")
print("  per type (assertions/s):")
for assertion in mixedSet {
    let single = run(for: .milliseconds(300), assertions: [assertion])
    print("    \(assertion.type.padding(toLength: 16, withPad: " ", startingAt: 0)) \(grouped(Double(single.count) / single.seconds))")
}
