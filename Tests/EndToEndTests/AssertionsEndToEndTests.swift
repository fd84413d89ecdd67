import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The assertion engine from outside, through nginx and the gateway with the real daemons:
/// `POST /api/v1/assertions/evaluate` with deterministic and model-graded types (the latter
/// through cards-api → llm-proxy → the local LLM), its bad input, and a run whose test case
/// mixes both kinds, graded by queue-worker.
@Suite(.serialized) struct AssertionsEndToEndTests {
    @Test func assertionsAreEvaluatedAloneAndInARun() async throws {
        try await TestDatabase.with { _, databaseURL in
            let suite = try await SuiteProcesses.start(databaseURL: databaseURL)
            do {
                let api = try await signedIn(suite)
                try await evaluateDeterministic(api)
                try await evaluateModelGraded(api)
                try await rejectBadInput(api, suite: suite)
                try await gradeARun(api)
            } catch {
                await suite.stop()
                throw error
            }
            await suite.stop()
        }
    }

    func signedIn(_ suite: SuiteProcesses) async throws -> APIClient {
        var api = APIClient(baseURL: suite.nginxURL + "/api/v1")
        let email = "assert-\(UUID().uuidString.prefix(6))@example.com"
        let registered = try await api.send(.POST, "/auth/register", json: ["email": email, "password": "correct horse"])
        #expect(registered.status == 201, "\(registered.text)")
        let login = try await api.send(.POST, "/auth/login", json: ["email": email, "password": "correct horse"])
        api.token = try #require(login.json["access_token"] as? String)
        return api
    }

    func evaluateDeterministic(_ api: APIClient) async throws {
        let reply = try await api.send(.POST, "/assertions/evaluate", json: [
            "output": #"Sure! {"city": "Paris", "country": "France"}"#,
            "vars": ["city": "Paris"],
            "latency_ms": 120,
            "threshold": 0.7,
            "assert": [
                ["type": "icontains", "value": "{{city}}", "metric": "facts"],
                ["type": "contains-json", "value": ["type": "object", "required": ["city", "country"]]],
                ["type": "latency", "threshold": 100],
                ["type": "assert-set", "threshold": 0.5, "assert": [
                    ["type": "starts-with", "value": "Sure"], ["type": "is-refusal"],
                ]],
                ["type": "levenshtein", "value": "nothing alike at all", "weight": 0],
            ] as [[String: Any]],
        ])
        #expect(reply.status == 200, "\(reply.text)")
        let components = try #require(reply.json["componentResults"] as? [[String: Any]])
        #expect(components.map { $0["pass"] as? Bool } == [true, true, false, true, true])
        #expect(components[2]["reason"] as? String == "Expected output to take at most 100 ms (it took 120 ms)")
        #expect((components[3]["componentResults"] as? [[String: Any]])?.count == 2)
        #expect((components[0]["metadata"] as? [String: Any])?["renderedAssertionValue"] as? String == "Paris")
        // (1 + 1 + 0 + 0.5) / 4: the weight-0 levenshtein does not count.
        #expect(reply.json["score"] as? Double == 0.625)
        #expect(reply.json["pass"] as? Bool == false)
        #expect((reply.json["reason"] as? String)?.hasPrefix("Aggregate score 0.62 < 0.7 threshold") == true, "\(reply.text)")
        #expect((reply.json["namedScores"] as? [String: Double]) == ["facts": 1])
    }

    func evaluateModelGraded(_ api: APIClient) async throws {
        let output = "The capital of France is Paris."
        let reply = try await api.send(.POST, "/assertions/evaluate", json: [
            "output": output,
            "prompt": "What is the capital of France?",
            "provider": "smollm2",
            "assert": [
                ["type": "similar", "value": output],
                ["type": "not-similar:euclidean", "value": [output], "threshold": 0.5],
                ["type": "llm-rubric", "value": "The output names a city"],
            ] as [[String: Any]],
        ])
        #expect(reply.status == 200, "\(reply.text)")
        let components = try #require(reply.json["componentResults"] as? [[String: Any]])
        #expect(components.count == 3)
        #expect(components[0]["pass"] as? Bool == true, "\(components[0])")
        #expect(abs((components[0]["score"] as? Double ?? 0) - 1) < 1e-6)
        #expect(components[1]["pass"] as? Bool == false, "identical text is at distance 0")
        let rubric = try #require(components[2]["metadata"] as? [String: Any])
        #expect((rubric["renderedGradingPrompt"] as? String)?.contains("The output names a city") == true)
        #expect(rubric["provider"] as? String == "smollm2")
        #expect(rubric["graderResponse"] as? String != nil)
    }

    func rejectBadInput(_ api: APIClient, suite: SuiteProcesses) async throws {
        func expectProblem(_ body: [String: Any], field: String, _ note: String) async throws {
            let reply = try await api.send(.POST, "/assertions/evaluate", json: body)
            #expect(reply.status == 400, "\(note): \(reply.status) \(reply.text)")
            #expect(reply.contentType == "application/problem+json")
            let fields = (reply.json["errors"] as? [[String: Any]])?.compactMap { $0["field"] as? String } ?? []
            #expect(fields.contains(field), "\(note): \(reply.text)")
        }
        try await expectProblem(["assert": [["type": "contains", "value": "x"]]], field: "output", "no output")
        try await expectProblem(["output": "x", "assert": [] as [Any]], field: "assert", "no assertions")
        try await expectProblem(["output": "x", "assert": [["type": "contains-any", "value": ["ok", ["nested"]]]]],
                                field: "assert[0].value[1]", "a list with a non-string")
        try await expectProblem(["output": "x", "assert": [["type": "is-json", "value": ["type": "strnig"]]]],
                                field: "assert[0].value.type", "a bad JSON Schema")
        try await expectProblem(["output": "x", "assert": [["type": "javascript", "value": "true"]]],
                                field: "assert[0].type", "user code")
        try await expectProblem(["output": "x", "assert": [["type": "assert-set", "assert": [["type": "bogus"]]]]],
                                field: "assert[0].assert[0].type", "an unknown type inside a set")
        try await expectProblem(["output": "x", "threshold": 2, "assert": [["type": "contains", "value": "x"]]],
                                field: "threshold", "threshold above 1")
        try await expectProblem(["output": 3, "assert": [["type": "contains", "value": "x"]]], field: "output", "output not a string")
        let anonymous = try await APIClient(baseURL: api.baseURL).send(.POST, "/assertions/evaluate",
                                                                     json: ["output": "x", "assert": [["type": "contains", "value": "x"]]])
        #expect(anonymous.status == 401)
    }

    func gradeARun(_ api: APIClient) async throws {
        let card = try await api.send(.POST, "/cards", json: ["title": "Capitals", "template": "What is the capital of {{country}}? Answer in one word."])
        let cardID = try #require(card.json["id"] as? String, "\(card.text)")
        let invalid = try await api.send(.POST, "/cards/\(cardID)/tests", json: [
            "vars": ["country": "France"],
            "assert": [["type": "assert-set", "assert": [["type": "similar"]]]],
        ])
        #expect(invalid.status == 400, "\(invalid.text)")
        #expect(invalid.text.contains("assert[0].assert[0].value"), "\(invalid.text)")

        let created = try await api.send(.POST, "/cards/\(cardID)/tests", json: [
            "vars": ["country": "France"],
            "assert": [
                ["type": "icontains", "value": "paris"],
                ["type": "similar", "value": "Paris", "threshold": 0.1],
                ["type": "llm-rubric", "value": "Names the capital of {{country}}"],
                ["type": "assert-set", "threshold": 0.5, "assert": [["type": "is-refusal"], ["type": "not-is-refusal"]]],
            ] as [[String: Any]],
        ])
        #expect(created.status == 201, "\(created.text)")
        let run = try await api.send(.POST, "/cards/\(cardID)/runs", json: ["models": ["smollm2"]])
        let runID = try #require(run.json["id"] as? String, "\(run.text)")

        let deadline = ContinuousClock.now.advanced(by: .seconds(240))
        var status = ""
        while ContinuousClock.now < deadline {
            status = try await api.send(.GET, "/runs/\(runID)").json["status"] as? String ?? ""
            if status == "completed" || status == "failed" { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(status == "completed")
        let results = try await api.send(.GET, "/runs/\(runID)/results")
        let row = try #require((results.json["data"] as? [[String: Any]])?.first, "\(results.text)")
        #expect(row["error"] == nil || row["error"] is NSNull, "\(row)")
        let grading = try #require(row["grading"] as? [String: Any])
        let components = try #require(grading["componentResults"] as? [[String: Any]])
        #expect(components.count == 4)
        let similar = components[1]
        #expect((similar["reason"] as? String)?.contains("Similarity") == true, "\(similar)")
        #expect((similar["metadata"] as? [String: Any])?["metric"] as? String == "cosine")
        let rubric = try #require(components[2]["metadata"] as? [String: Any], "\(components[2])")
        let prompt = try #require(rubric["renderedGradingPrompt"] as? String)
        #expect(prompt.contains("Names the capital of France"), "the rubric was rendered with the case's vars")
        #expect(prompt.contains(row["output"] as? String ?? "<no output>"))
        // Exactly one of is-refusal / not-is-refusal passes: the set always scores 0.5.
        #expect(components[3]["pass"] as? Bool == true)
        #expect(components[3]["score"] as? Double == 0.5)
    }
}
