import Foundation
import HTTPTypes
import NIOCore
import ServiceKit
import Testing

/// The bombs of issue 9 against cards-api itself: each is answered by the 4xx problem naming the
/// budget (`limit.name`), quickly, instead of pinning a core or building gigabytes.
@Suite struct BudgetAPITests {
    /// Sends and checks the problem: status, `limit.name`, optionally a field, and the time taken.
    /// The time bound is generous on purpose — the machine may be loaded (a 2 s bound failed at
    /// 2.5 s beside a parallel build) — and still tells the cases apart: unbudgeted, these
    /// requests run for hours (4^30 schema evaluations) or build gigabytes.
    @discardableResult
    func expectLimit(_ reply: CardsAPIHarness.Reply, status: HTTPResponse.Status, name: String, field: String? = nil,
                     elapsed: Duration, within bound: Duration = .seconds(20),
                     sourceLocation: SourceLocation = #_sourceLocation) -> CardsAPIHarness.Reply {
        #expect(reply.status == status, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(reply.isProblem, sourceLocation: sourceLocation)
        let limit = reply.object["limit"] as? [String: Any]
        #expect(limit?["name"] as? String == name, "\(reply.text)", sourceLocation: sourceLocation)
        #expect(limit?["max"] is Int && limit?["unit"] is String, sourceLocation: sourceLocation)
        if let field {
            let fields = (reply.object["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields == [field], "\(reply.text)", sourceLocation: sourceLocation)
        }
        #expect(elapsed < bound, "took \(elapsed)", sourceLocation: sourceLocation)
        return reply
    }

    func timed(_ body: () async throws -> CardsAPIHarness.Reply) async rethrows -> (CardsAPIHarness.Reply, Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let reply = try await body()
        return (reply, clock.now - start)
    }

    func importing(_ api: CardsAPIHarness, _ token: String, _ text: String) async throws -> CardsAPIHarness.Reply {
        try await api.client.execute(uri: "/api/v1/import/promptfoo", method: .post,
                                     headers: [.authorization: "Bearer \(token)", .contentType: "application/yaml"],
                                     body: ByteBuffer(string: text)) { response in
            CardsAPIHarness.Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    static var catastrophic: [String: Any] { ["type": "regex", "value": "(a+)+$"] }
    static let catastrophicOutput = String(repeating: "a", count: 40) + "!"

    @Test func anAssertionValueThatWouldRenderGigabytesIsA413() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            // A 100 KB var repeated 20,000 times: 2 GB if rendered, from a 200 KB request.
            let body: [String: Any] = [
                "output": "x", "vars": ["x": String(repeating: "y", count: 100_000)],
                "assert": [["type": "contains", "value": String(repeating: "{{x}}", count: 20_000)]],
            ]
            let (reply, elapsed) = try await timed {
                try await api.send(.post, "/api/v1/assertions/evaluate", token: token, json: body)
            }
            expectLimit(reply, status: .contentTooLarge, name: "MAX_RENDERED_PROMPT_BYTES", field: "assert[0].value",
                        elapsed: elapsed)
        }
    }

    @Test func aSchemaOf4To30EvaluationsIsA422() async throws {
        // A budget below the default keeps the bound safe on a loaded machine; the pure tests use the default.
        try await CardsAPIHarness.with(environment: ["MAX_SCHEMA_STEPS": "20000"]) { api in
            let (token, _) = try await api.account()
            var defs: [String: Any] = ["d30": ["type": "number"]]
            for level in 0..<30 {
                let next = ["$ref": "#/$defs/d\(level + 1)"]
                defs["d\(level)"] = ["allOf": [next, next, next, next]]
            }
            let schema: [String: Any] = ["$defs": defs, "$ref": "#/$defs/d0"]
            let body: [String: Any] = ["output": "1", "assert": [["type": "is-json", "value": schema]]]
            let (reply, elapsed) = try await timed {
                try await api.send(.post, "/api/v1/assertions/evaluate", token: token, json: body)
            }
            expectLimit(reply, status: .unprocessableContent, name: "MAX_SCHEMA_STEPS", elapsed: elapsed)
            #expect((reply.object["limit"] as? [String: Any])?["max"] as? Int == 20_000)
        }
    }

    @Test func aSchemaTooCostlyToCompileIsA422AtTheConfiguredBudget() async throws {
        // 1,500 properties are 1,501 index entries: over a budget of 1,000 steps.
        @Sendable func body() -> [String: Any] {
            var properties: [String: Any] = [:]
            for i in 0..<1_500 { properties["p\(i)"] = ["type": "string"] }
            return ["vars": ["word": "hi"], "assert": [["type": "is-json", "value": ["properties": properties]]]]
        }
        try await CardsAPIHarness.with(environment: ["MAX_SCHEMA_STEPS": "1000"]) { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let created = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token, json: body())
            expectLimit(created, status: .unprocessableContent, name: "MAX_SCHEMA_STEPS", field: "assert[0].value",
                        elapsed: .zero)
        }
        try await CardsAPIHarness.with(environment: ["MAX_SCHEMA_STEPS": "5000"]) { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            let created = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token, json: body())
            #expect(created.status == .created, "\(created.text)")
        }
    }

    @Test func nestedAssertSetsAreCountedAgainstTheAssertionCap() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            // 5 sets of 30 catastrophic regexes: 5 at the top level, 155 in all (38 s of regex if run).
            let set: [String: Any] = ["type": "assert-set", "assert": Array(repeating: Self.catastrophic, count: 30)]
            let sets = Array(repeating: set, count: 5)
            let (reply, elapsed) = try await timed {
                try await api.send(.post, "/api/v1/assertions/evaluate", token: token,
                                   json: ["output": Self.catastrophicOutput, "assert": sets])
            }
            expectLimit(reply, status: .badRequest, name: "MAX_ASSERTIONS_PER_TEST", field: "assert", elapsed: elapsed)

            let card = try await api.card(token)
            let created = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token,
                                             json: ["vars": ["word": "hi"], "assert": sets])
            expectLimit(created, status: .badRequest, name: "MAX_ASSERTIONS_PER_TEST", field: "assert", elapsed: .zero)
            let bulk = try await api.send(.post, "/api/v1/cards/\(card)/tests/bulk", token: token,
                                          json: ["tests": [["vars": ["word": "hi"]],
                                                           ["vars": ["word": "ho"], "assert": sets]]])
            expectLimit(bulk, status: .badRequest, name: "MAX_ASSERTIONS_PER_TEST", field: "tests[1].assert",
                        elapsed: .zero)
        }
    }

    @Test func setNestingAndModelGradedCountAreCappedOnTheTestsAPI() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let card = try await api.card(token)
            var nested: [String: Any] = ["type": "contains", "value": "hi"]
            for _ in 0..<4 { nested = ["type": "assert-set", "assert": [nested]] }
            let deep = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token,
                                          json: ["vars": ["word": "hi"], "assert": [nested]])
            expectLimit(deep, status: .badRequest, name: "MAX_ASSERT_SET_DEPTH",
                        field: "assert[0].assert[0].assert[0].assert[0]", elapsed: .zero)

            let rubrics = Array(repeating: ["type": "llm-rubric", "value": "is polite"], count: 11)
            let graded = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token,
                                            json: ["vars": ["word": "hi"], "assert": rubrics])
            expectLimit(graded, status: .badRequest, name: "MAX_MODEL_GRADED_ASSERTIONS_PER_TEST", field: "assert[10]",
                        elapsed: .zero)
            let ten = try await api.send(.post, "/api/v1/cards/\(card)/tests", token: token,
                                         json: ["vars": ["word": "hi"], "assert": Array(rubrics.prefix(10))])
            #expect(ten.status == .created, "\(ten.text)")
        }
    }

    @Test func manySlowRegexesShareOneTimeBudgetPerRequest() async throws {
        // Small budgets, read from the environment, keep the test quick on a loaded machine.
        let budgets = ["MAX_REGEX_MATCH_MS": "100", "MAX_REGEX_MS_PER_TEST": "300", "MAX_ASSERTIONS_PER_TEST": "400"]
        try await CardsAPIHarness.with(environment: budgets) { api in
            let (token, _) = try await api.account()
            // 400 × 100 ms would be 40 s of CPU for one request; it gets 300 ms. The wall bound sits
            // between the two: a loaded machine stretched the budgeted request to 18.8 s beside the
            // full suite, and would stretch the unbounded 40 s of CPU far beyond 30 s.
            let (reply, elapsed) = try await timed {
                try await api.send(.post, "/api/v1/assertions/evaluate", token: token,
                                   json: ["output": Self.catastrophicOutput,
                                          "assert": Array(repeating: Self.catastrophic, count: 400)])
            }
            expectLimit(reply, status: .unprocessableContent, name: "MAX_REGEX_MS_PER_TEST", elapsed: elapsed,
                        within: .seconds(30))
            #expect((reply.object["limit"] as? [String: Any])?["max"] as? Int == 300)
        }
    }

    @Test func aCartesianImportBombIsRefusedBeforeExpanding() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let values = "[" + (0..<10).map(String.init).joined(separator: ", ") + "]"
            let vars = (0..<8).map { "v\($0): \(values)" }.joined(separator: ", ")
            let (reply, elapsed) = try await timed {
                try await importing(api, token, "prompts: [\"{{v0}}\"]\ntests:\n  - vars: {\(vars)}\n")
            }
            expectLimit(reply, status: .badRequest, name: "MAX_IMPORT_TESTS", field: "tests[0]", elapsed: elapsed)
            #expect(try await api.send(.get, "/api/v1/cards", token: token).items.isEmpty)
        }
    }

    @Test func billionLaughsIsRefused() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            var lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
            for level in 1..<9 {
                let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            lines.append("a\(level): &a\(level) [\(aliases)]")
            }
            lines += ["prompts: [\"{{x}}\"]", "tests: [{vars: {x: *a8}}]"]
            let (reply, elapsed) = try await timed { try await importing(api, token, lines.joined(separator: "\n")) }
            expectLimit(reply, status: .unprocessableContent, name: "MAX_IMPORT_YAML_NODES", elapsed: elapsed)
        }
    }

    @Test func importedTestsGoThroughTheTestsAPIsValidation() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            // The tests API refuses both of these; an import used to store them.
            let badThreshold = try await importing(api, token, """
                prompts: ["Say {{word}}"]
                tests:
                  - vars: {word: hi}
                  - vars: {word: [ho, hu]}
                    threshold: 5
                """)
            #expect(badThreshold.status == .badRequest, "\(badThreshold.text)")
            let fields = (badThreshold.object["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String }
            #expect(fields == ["tests[1].threshold"], "\(badThreshold.text)")

            var nested = "{type: contains, value: hi}"
            for _ in 0..<4 { nested = "{type: assert-set, assert: [\(nested)]}" }
            let tooDeep = try await importing(
                api, token, "prompts: [\"Say {{word}}\"]\ntests:\n  - vars: {word: hi}\n    assert: [\(nested)]\n")
            expectLimit(tooDeep, status: .badRequest, name: "MAX_ASSERT_SET_DEPTH",
                        field: "tests[0].assert[0].assert[0].assert[0].assert[0]", elapsed: .zero)
            #expect(try await api.send(.get, "/api/v1/cards", token: token).items.isEmpty)
        }
    }
}
