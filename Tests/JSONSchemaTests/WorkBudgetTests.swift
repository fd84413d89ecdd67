import Budgets
import Foundation
import JSONCore
import JSONSchema
import TestSupport
import Testing

/// The schema bombs of issue 9: evaluation work that grows exponentially with the schema,
/// compile work that grows with nesting times key length, and many slow patterns.
@Suite("JSON Schema work budgets")
struct WorkBudgetTests {
    /// 30 levels of `allOf` with 4 `$ref`s each to the next level: 4^30 evaluations, unbounded.
    static let fanOut: JSONValue = {
        var defs: [String: JSONValue] = ["d30": ["type": "number"]]
        for level in 0..<30 {
            let next: JSONValue = ["$ref": .string("#/$defs/d\(level + 1)")]
            defs["d\(level)"] = ["allOf": [next, next, next, next]]
        }
        return ["$defs": .object(defs), "$ref": "#/$defs/d0"]
    }()

    static func meter(steps: Int = BudgetCatalog.schemaSteps.defaultLimit, regexTime: Int = 1_000,
                      regexMatch: Int = 250) -> WorkMeter {
        WorkMeter(schemaSteps: BudgetCatalog.schemaSteps.standard.with(limit: steps),
                  regexTime: BudgetCatalog.regexMillisecondsPerTest.standard.with(limit: regexTime),
                  regexMatch: BudgetCatalog.regexMatchMilliseconds.standard.with(limit: regexMatch))
    }

    @Test("4^30 allOf/$ref evaluations stop at MAX_SCHEMA_STEPS in well under 2 s")
    func fanOutStopsAtTheStepBudget() async throws {
        let schema = try JSONSchema(Self.fanOut)
        let meter = Self.meter()
        let (thrown, elapsed) = await CPUTime.measureOnOwnThread { () -> BudgetExceeded? in
            do throws(BudgetExceeded) {
                _ = try schema.validate(1, meter: meter)
                return nil
            } catch {
                return error
            }
        }
        #expect(elapsed < .seconds(2), "took \(elapsed) of CPU time")
        let error = try #require(thrown)
        #expect(error.budget.name == "MAX_SCHEMA_STEPS")
        #expect(meter.exceeded == error)
        #expect(meter.schemaStepsSpent == BudgetCatalog.schemaSteps.defaultLimit + 1)
        #expect(throws: BudgetExceeded.self) { try schema.isValid(1) }
    }

    @Test("one meter spans several validations, so many cheap ones cannot add up")
    func stepsAreSharedAcrossValidations() throws {
        let schema = try JSONSchema(["type": "array", "items": ["type": "integer"]])
        let meter = Self.meter(steps: 1_000)
        let instance: JSONValue = .array(Array(repeating: 1, count: 300))
        for _ in 0..<3 { #expect(try schema.validate(instance, meter: meter).isEmpty) }
        #expect(throws: BudgetExceeded.self) { try schema.validate(instance, meter: meter) }
    }

    @Test("compiling a schema nested in many $id resources with long keys stops at MAX_SCHEMA_STEPS")
    func compileWorkIsBounded() async throws {
        // 60 nested resources, each under a 4 KB property name: every subschema is indexed once
        // per enclosing resource under a pointer that grows with the depth (~200 MB of keys).
        let key = String(repeating: "k", count: 4_096)
        var schema: JSONValue = ["type": "string"]
        for level in 0..<60 {
            schema = ["$id": .string("https://example.com/r\(level)"), "properties": .object([key: schema])]
        }
        let nested = schema
        let (thrown, elapsed) = await CPUTime.measureOnOwnThread { () -> SchemaError? in
            do throws(SchemaError) {
                _ = try JSONSchema(nested)
                return nil
            } catch {
                return error
            }
        }
        #expect(elapsed < .seconds(2), "took \(elapsed) of CPU time")
        #expect(thrown?.exceeded?.budget.name == "MAX_SCHEMA_STEPS", "\(String(describing: thrown))")
        // The same shape with short keys compiles.
        var small: JSONValue = ["type": "string"]
        for level in 0..<60 { small = ["$id": .string("https://example.com/r\(level)"), "properties": ["p": small]] }
        _ = try JSONSchema(small)
    }

    @Test("slow patterns share the evaluation's regex time (MAX_REGEX_MS_PER_TEST)")
    func patternTimeIsShared() async throws {
        // Ten property names, each matched against a catastrophic pattern: 10 × 50 ms without a
        // total; the evaluation has 120 ms (small budgets keep this test light on shared cores).
        let schema = try JSONSchema(["patternProperties": ["^(a+)+$": true]])
        var members: [String: JSONValue] = [:]
        for i in 0..<10 { members[String(repeating: "a", count: 40 + i) + "!"] = 1 }
        let meter = Self.meter(regexTime: 120, regexMatch: 50)
        let instance = JSONValue.object(members)
        let (thrown, elapsed) = await CPUTime.measureOnOwnThread { () -> BudgetExceeded? in
            do throws(BudgetExceeded) {
                _ = try schema.validate(instance, meter: meter)
                return nil
            } catch {
                return error
            }
        }
        #expect(elapsed < .milliseconds(400), "took \(elapsed) of CPU time")
        #expect(thrown?.budget.name == "MAX_REGEX_MS_PER_TEST")
    }
}
