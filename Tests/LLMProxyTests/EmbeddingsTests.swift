import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMProxyService
import Logging
import NIOCore
import ServiceKit
import TestSupport
import Testing

/// `POST /v1/embeddings`: OpenAI's format over the local llama.cpp server (real, started
/// with `--embedding true`) and over Ollama's `/api/embed`.
@Suite struct EmbeddingsTests {
    func proxy(_ env: [String: String]) async throws -> some ApplicationProtocol {
        try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader(env.merging(["PORT": "0", "HOST": "127.0.0.1"]) { a, _ in a })),
                                logger: Logger(label: "test"))
    }

    static func vectors(_ body: ByteBuffer) throws -> [[Double]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any])
        #expect(object["object"] as? String == "list")
        let data = try #require(object["data"] as? [[String: Any]])
        #expect(data.map { $0["index"] as? Int } == Array(0..<data.count))
        return try data.map { try #require(($0["embedding"] as? [NSNumber])?.map(\.doubleValue)) }
    }

    @Test func theLocalModelEmbedsEveryTextIntoOneVector() async throws {
        let app = try await proxy(["LOCAL_LLM_URL": try TestEnvironment.llmURL(), "UPSTREAM_TIMEOUT_SECONDS": "600"])
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let body = #"{"model":"smollm2","input":["The cat sat on the mat.","Quantum chromodynamics","The cat sat on the mat."]}"#
            let response = try await PatientHTTP.execute(port: port, "/v1/embeddings", method: .POST, json: body)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response.headers.first(name: "X-Upstream-Provider") == "local")
            let vectors = try Self.vectors(response.body)
            #expect(vectors.count == 3)
            // SmolLM2-135M's hidden size; llama.cpp answers per token and the proxy mean-pools.
            #expect(vectors.allSatisfy { $0.count == 576 })
            #expect(vectors[0] == vectors[2], "the same text embeds the same")
            #expect(vectors[0] != vectors[1])
            let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            #expect(((object?["usage"] as? [String: Any])?["prompt_tokens"] as? Int ?? 0) > 0)

            let one = try await PatientHTTP.execute(port: port, "/v1/embeddings", method: .POST,
                                                    json: #"{"model":"smollm2","input":"one text"}"#)
            #expect(one.status == .ok)
            #expect(try Self.vectors(one.body).count == 1)
        }
    }

    @Test("bad requests are 400 problems naming the field", arguments: [
        (#"{"model":"smollm2","input":[]}"#, "input"),
        (#"{"model":"smollm2","input":[1,2,3]}"#, "input"),
        (#"{"model":"smollm2"}"#, "input"),
        (#"{"input":"x"}"#, "model"),
        (#"{"model":"smollm2","input":"x","encoding_format":"base64"}"#, "encoding_format"),
        (#"{"model":"anthropic/claude","input":"x"}"#, "model"),
    ])
    func badRequests(body: String, field: String) async throws {
        let app = try await proxy(["LOCAL_LLM_URL": try TestEnvironment.llmURL()])
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/embeddings", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("\"field\":\"\(field)\""), "\(String(buffer: response.body))")
            }
        }
    }

    @Test func ollamaEmbeddingsAreTranslated() async throws {
        let received = ReceivedRequests()
        let fake = Application(router: FakeOllama.router(received: received), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { ollama in
            let app = try await proxy(["OLLAMA_BASE_URL": "http://127.0.0.1:\(ollama.port!)"])
            try await app.test(.live) { client in
                let body = #"{"model":"smollm2","input":["ab","abcd"]}"#
                try await client.execute(uri: "/v1/embeddings", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[HTTPField.Name("X-Upstream-Provider")!] == "ollama")
                    let vectors = try Self.vectors(response.body)
                    #expect(vectors == [[2, 1, 0], [4, 1, 0]])
                    let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                    #expect((object?["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 4)
                    #expect(object?["model"] as? String == "smollm2")
                }
                let sentBody = try #require(await received.last)
                let sent = try #require(try JSONSerialization.jsonObject(with: sentBody) as? [String: Any])
                #expect(sent["model"] as? String == "smollm2:135m")
                #expect(sent["input"] as? [String] == ["ab", "abcd"])
            }
        }
    }
}
