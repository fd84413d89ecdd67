import Foundation
import NIOHTTP1
import TestSupport
import Testing

/// The LLM through the public edge as an OpenAI user reaches it: the official `openai` client
/// (PyPI, unmodified, `examples/openai_chat.py`) with `base_url` nginx → gateway → llm-proxy →
/// the local model, streaming. The chunks must arrive spread over the generation, not all at
/// once at the end as a buffering hop would deliver them.
@Suite(.serialized) struct LLMThroughGatewayEndToEndTests {
    @Test func aStreamedAnswerArrivesAsItIsGenerated() async throws {
        try await TestDatabase.with { _, databaseURL in
            let suite = try await SuiteProcesses.start(databaseURL: databaseURL)
            do {
                try await streamThroughTheEdge(suite)
            } catch {
                await suite.stop()
                throw error
            }
            await suite.stop()
        }
    }

    func streamThroughTheEdge(_ suite: SuiteProcesses) async throws {
        var api = APIClient(baseURL: suite.nginxURL + "/api/v1")
        let email = "stream-\(UUID().uuidString.prefix(6))@example.com"
        _ = try await api.send(.POST, "/auth/register", json: ["email": email, "password": "correct horse"])
        let login = try await api.send(.POST, "/auth/login", json: ["email": email, "password": "correct horse"])
        let token = try #require(login.json["access_token"] as? String, "\(login.text)")
        #expect(login.headers.first(name: "ratelimit")?.contains("\"auth-ip\";r=") == true, "\(login.headers)")
        api.token = token

        let output = try await ShellCommand.run(try TestEnvironment.clientsPython(), [
            TestEnvironment.repositoryRoot() + "/examples/openai_chat.py",
            "--base-url", suite.nginxURL + "/api/v1/llm/v1", "--token", token, "--stream", "--max-tokens", "48",
        ])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
        let arrivals = try #require(answer["arrivals"] as? [Double], "\(output)")
        #expect(!(answer["text"] as? String ?? "").isEmpty, "\(output)")
        #expect(arrivals.count >= 4, "one chunk per token or so: \(arrivals.count)")
        // Spread over the generation: many distinct arrival times, the last well after the first.
        let distinct = Set(arrivals.map { Int(($0 * 1_000).rounded()) }).count
        #expect(distinct >= 3, "chunks arrived at \(distinct) distinct milliseconds: \(arrivals)")
        #expect((arrivals.last ?? 0) - (arrivals.first ?? 0) >= 0.01, "\(arrivals)")

        // Without credentials the same call is a 401 at the edge.
        var anonymous = api
        anonymous.token = nil
        let refused = try await anonymous.send(.POST, "/llm/v1/chat/completions", json: ["model": "smollm2", "messages": []])
        #expect(refused.status == 401 && refused.contentType == "application/problem+json")
    }
}
