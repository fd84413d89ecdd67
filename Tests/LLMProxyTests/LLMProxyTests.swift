import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LLMProxyClient
import LLMProxyService
import Logging
import NIOCore
import ServiceKit
import TestSupport
import Testing

@Suite struct LLMProxyTests {
    static let chat = #"{"model":"smollm2","messages":[{"role":"user","content":"What is the capital of France? Answer in one word."}],"temperature":0,"max_tokens":16}"#

    func proxy(_ env: [String: String]) async throws -> some ApplicationProtocol {
        try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader(env.merging(["PORT": "0", "HOST": "127.0.0.1"]) { a, _ in a })),
                                logger: Logger(label: "test"))
    }

    @Test func theLocalModelAnswersInOpenAIFormat() async throws {
        let app = try await proxy(["LOCAL_LLM_URL": try TestEnvironment.llmURL(), "UPSTREAM_TIMEOUT_SECONDS": "600"])
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let response = try await PatientHTTP.execute(port: port, "/v1/chat/completions", method: .POST, json: Self.chat)
            #expect(response.status == .ok)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
            let choices = try #require(object["choices"] as? [[String: Any]])
            let content = (choices.first?["message"] as? [String: Any])?["content"] as? String ?? ""
            #expect(!content.isEmpty)
            #expect(((object["usage"] as? [String: Any])?["completion_tokens"] as? Int ?? 0) > 0)
            #expect(response.headers.first(name: "X-Upstream-Provider") == "local")
            #expect(response.headers.first(name: "X-Response-Cost").flatMap(Double.init) == 0, "a model served here is free")
            let models = try await PatientHTTP.execute(port: port, "/v1/models")
            #expect(models.text.contains("\"smollm2\""))
        }
    }

    @Test func theLocalModelStreamsServerSentEvents() async throws {
        let app = try await proxy(["LOCAL_LLM_URL": try TestEnvironment.llmURL(), "UPSTREAM_TIMEOUT_SECONDS": "600"])
        let body = Self.chat.replacingOccurrences(of: "\"max_tokens\":16", with: "\"max_tokens\":16,\"stream\":true")
        try await app.test(.live) { client in
            let response = try await PatientHTTP.execute(port: try #require(client.port), "/v1/chat/completions",
                                                         method: .POST, json: body)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            let text = response.text
            let events = text.components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
            #expect(events.count > 2)
            #expect(events.last == "data: [DONE]")
            #expect(text.contains("chat.completion.chunk"))
        }
    }

    @Test func ollamaIsSpokenNativelyAndTranslatedBack() async throws {
        let received = ReceivedRequests()
        let fake = Application(router: FakeOllama.router(received: received), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { ollama in
            let app = try await proxy(["OLLAMA_BASE_URL": "http://127.0.0.1:\(ollama.port!)",
                                       "MODEL_PRICES": "ollama/smollm2:135m=2:4"])
            try await app.test(.live) { client in
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { response in
                    #expect(response.status == .ok)
                    let cost = try #require(response.headers[HTTPField.Name("X-Response-Cost")!].flatMap(Double.init))
                    #expect(abs(cost - (7 * 2 + 3 * 4) / 1_000_000) < 1e-12, "7 prompt and 3 completion tokens, priced: \(cost)")
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
                    #expect(object["object"] as? String == "chat.completion")
                    let message = ((object["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])
                    #expect(message?["content"] as? String == "Paris.")
                    #expect((object["usage"] as? [String: Any])?["total_tokens"] as? Int == 10)
                }
                let sentBody = try #require(await received.last)
                let sent = try #require(try JSONSerialization.jsonObject(with: sentBody) as? [String: Any])
                #expect(sent["model"] as? String == "smollm2:135m", "the alias maps to Ollama's model name")
                #expect((sent["options"] as? [String: Any])?["num_predict"] as? Int == 16)
                #expect((sent["options"] as? [String: Any])?["temperature"] as? Int == 0)

                let streaming = Self.chat.replacingOccurrences(of: "\"max_tokens\":16", with: "\"max_tokens\":16,\"stream\":true")
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: streaming)) { response in
                    let events = String(buffer: response.body).components(separatedBy: "\n\n").filter { $0.hasPrefix("data: ") }
                    #expect(events.last == "data: [DONE]")
                    let chunks = events.dropLast().compactMap {
                        try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
                    }
                    let text = chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String }.joined()
                    #expect(text == "Paris.")
                    #expect((chunks.last?["choices"] as? [[String: Any]])?.first?["finish_reason"] as? String == "stop")
                }
                let missing = Self.chat.replacingOccurrences(of: "\"smollm2\"", with: "\"ollama/missing\"")
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: missing)) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(String(buffer: response.body).contains("not found"))
                }
            }
        }
    }

    @Test func aBackendBusyServingRequestsStaysReadyThoughItsProbeWouldWait() async throws {
        let fake = Application(router: FakeOllama.router(received: ReceivedRequests(), tagsHang: true),
                               configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await fake.test(.live) { ollama in
            let app = try await proxy(["OLLAMA_BASE_URL": "http://127.0.0.1:\(ollama.port!)"])
            try await app.test(.live) { client in
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable, "nothing has answered yet and the probe times out")
                }
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) {
                    #expect($0.status == .ok)
                }
                try await client.execute(uri: "/health/ready", method: .get) { response in
                    #expect(response.status == .ok, "it answered a request just now: \(String(buffer: response.body))")
                }
            }
        }
    }

    @Test(arguments: [
        ("{", 400, "JSON object"),
        (#"{"messages":[{"role":"user","content":"hi"}]}"#, 400, "model"),
        (#"{"model":"smollm2","messages":[]}"#, 400, "messages"),
        (#"{"model":"smollm2","messages":[{"role":"wizard","content":"hi"}]}"#, 400, "messages[0].role"),
        (#"{"model":"smollm2","messages":[{"role":"user","content":"hi"}],"stream":"yes"}"#, 400, "stream"),
        (#"{"model":"anthropic/claude","messages":[{"role":"user","content":"hi"}]}"#, 400, "not configured"),
    ])
    func badRequestsAreProblemsNamingTheField(body: String, status: Int, mention: String) async throws {
        let app = try await proxy(["LOCAL_LLM_URL": "http://127.0.0.1:1"])
        try await app.test(.router) { client in
            try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(Int(response.status.code) == status)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains(mention))
            }
        }
    }

    @Test func anUnreachableBackendIsABadGatewayNotACrash() async throws {
        try await ClosedPort.with { port in
            let app = try await proxy(["LOCAL_LLM_URL": "http://127.0.0.1:\(port)"])
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: Self.chat)) { response in
                    #expect(response.status == .badGateway)
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/health/ready", method: .get) { #expect($0.status == .serviceUnavailable) }
            }
        }
    }

    /// An upstream's rate limit reaches the caller as it was: 429 with its `Retry-After`, so
    /// a worker can wait as long as the provider asked (and `LLMProxyClient` reads it).
    @Test func anUpstreamRateLimitIsPassedOnWithItsRetryAfter() async throws {
        let router = Router()
        router.post("/v1/chat/completions") { _, _ -> Response in
            Response(status: .tooManyRequests, headers: [.contentType: "application/json", .retryAfter: "7"],
                     body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"message":"Rate limit reached","type":"requests"}}"#)))
        }
        let upstream = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await upstream.test(.live) { openai in
            let app = try await proxy(["OPENAI_BASE_URL": "http://127.0.0.1:\(openai.port!)/v1", "OPENAI_API_KEY": "sk-test"])
            try await app.test(.live) { client in
                let body = Self.chat.replacingOccurrences(of: "\"smollm2\"", with: "\"openai/gpt-4o-mini\"")
                try await client.execute(uri: "/v1/chat/completions", method: .post, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] == "7")
                }
                let llm = LLMProxyClient(baseURL: "http://127.0.0.1:\(client.port!)")
                let failure = await #expect(throws: LLMCallFailed.self) {
                    try await llm.chat(.init(model: "openai/gpt-4o-mini", messages: [.user("Hi")]))
                }
                #expect(failure?.status == 429 && failure?.retryable == true && failure?.retryAfter == .seconds(7), "\(String(describing: failure))")
            }
        }
    }
}
