import Foundation
import HTTPTypes
import NIOCore
import TestSupport
import Testing

@Suite struct PromptfooAPITests {
    static func example(_ name: String) throws -> String {
        try String(contentsOfFile: TestEnvironment.repositoryRoot() + "/../shared/promptfoo-examples/" + name, encoding: .utf8)
    }

    func importing(_ api: CardsAPIHarness, _ token: String, _ text: String) async throws -> CardsAPIHarness.Reply {
        try await api.client.execute(uri: "/api/v1/import/promptfoo", method: .post,
                                     headers: [.authorization: "Bearer \(token)", .contentType: "application/yaml"],
                                     body: ByteBuffer(string: text)) { response in
            CardsAPIHarness.Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
    }

    @Test func aConfigImportsExportsAndImportsAgainUnchanged() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let imported = try await importing(api, token, try Self.example("getting-started.yaml"))
            #expect(imported.status == .created, "\(imported.text)")
            let cards = try #require(imported.object["cards"] as? [[String: Any]])
            #expect(cards.count == 2 && cards.allSatisfy { $0["tests"] as? Int == 2 })
            let id = try #require(cards.first?["id"] as? String)

            let card = try await api.send(.get, "/api/v1/cards/\(id)", token: token)
            #expect(card.object["default_models"] as? [String] == ["openai/gpt-4.1", "openai/o4-mini"])

            let exported = try await api.send(.get, "/api/v1/cards/\(id)/export?format=promptfoo", token: token)
            #expect(exported.status == .ok && exported.headers[.contentType]?.hasPrefix("application/yaml") == true)
            #expect(exported.text.contains("openai:gpt-4.1") && exported.text.contains("Bonjour le monde"))

            let again = try await importing(api, token, exported.text)
            #expect(again.status == .created && (again.object["issues"] as? [Any])?.isEmpty == true)
            let copy = try #require((again.object["cards"] as? [[String: Any]])?.first?["id"] as? String)
            let originalTests = try await api.send(.get, "/api/v1/cards/\(id)/tests", token: token).items
            let copiedTests = try await api.send(.get, "/api/v1/cards/\(copy)/tests", token: token).items
            func content(_ tests: [[String: Any]]) -> [String] {
                tests.map { test in
                    let keep = ["vars", "assert", "threshold", "description"].reduce(into: [String: Any]()) { $0[$1] = test[$1] }
                    return String(decoding: try! JSONSerialization.data(withJSONObject: keep, options: [.sortedKeys]), as: UTF8.self)
                }
            }
            #expect(content(originalTests) == content(copiedTests))
            #expect(try await api.send(.get, "/api/v1/cards/\(id)/export?format=json", token: token).object["prompts"] != nil)
            #expect(try await api.send(.get, "/api/v1/cards/\(id)/export?format=xml", token: token).status == .badRequest)
        }
    }

    @Test func badYAMLIsA400WithLineAndColumnAndNothingImportableIsA422() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let bad = try await importing(api, token, "prompts: [one\ntests:\n  - vars: {a: 1")
            #expect(bad.status == .badRequest && bad.isProblem)
            #expect(bad.text.contains("line"))
            let csv = try await importing(api, token, try Self.example("simple-csv.yaml"))
            #expect(csv.status == .unprocessableContent && csv.text.contains("file://"))
            #expect(try await api.send(.get, "/api/v1/cards", token: token).items.isEmpty)
        }
    }

    @Test func runsDefaultToTheImportedProviders() async throws {
        try await CardsAPIHarness.with { api in
            let (token, _) = try await api.account()
            let imported = try await importing(api, token, try Self.example("getting-started.yaml"))
            let id = try #require((imported.object["cards"] as? [[String: Any]])?.first?["id"] as? String)
            let run = try await api.send(.post, "/api/v1/cards/\(id)/runs", token: token, json: [:])
            #expect(run.status == .accepted)
            #expect(run.object["models"] as? [String] == ["openai/gpt-4.1", "openai/o4-mini"])
            #expect(run.object["total"] as? Int == 4)
        }
    }
}
