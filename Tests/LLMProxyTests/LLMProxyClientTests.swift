import Foundation
import Hummingbird
import HummingbirdTesting
@testable import LLMProxyClient
import LLMProxyService
import Logging
import NIOCore
import ServiceKit
import Synchronization
import TestSupport
import Testing

/// The one llm-proxy client against the real llm-proxy in front of the real local model.
@Suite(.serialized) struct LLMProxyClientTests {
    static let question = ChatCompletionRequest(
        model: "smollm2", messages: [.user("What is the capital of France? Answer in one word.")], maxTokens: 12)

    func withClient(_ body: @escaping @Sendable (LLMProxyClient) async throws -> Void) async throws {
        let env = ["LOCAL_LLM_URL": try TestEnvironment.llmURL(), "PORT": "0", "HOST": "127.0.0.1",
                   "UPSTREAM_TIMEOUT_SECONDS": "600"]
        let app = try await buildLLMProxy(config: LLMProxyConfig(EnvironmentReader(env)), logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await body(LLMProxyClient(baseURL: "http://127.0.0.1:\(try #require(client.port))", timeout: PatientHTTP.patience))
        }
    }

    @Test func aChatCallReportsTheAnswerItsUsageAndItsCost() async throws {
        try await withClient { llm in
            let answer = try await llm.chat(Self.question, requestID: "client-test")
            #expect(!answer.text.isEmpty)
            #expect(answer.promptTokens > 0 && answer.completionTokens > 0, "\(answer)")
            #expect(answer.cost == 0, "llm-proxy prices the local model at nothing: \(answer)")
            #expect(answer.provider == "local")
            #expect(answer.latencyMs > 0)
        }
    }

    @Test func aStreamedCallYieldsDeltasThatMakeUpTheWholeAnswer() async throws {
        try await withClient { llm in
            var deltas: [String] = []
            var finished: ChatCompletion?
            for try await event in llm.stream(Self.question) {
                switch event {
                case .delta(let text): deltas.append(text)
                case .finished(let whole): finished = whole
                }
            }
            let whole = try #require(finished)
            #expect(!deltas.isEmpty)
            #expect(deltas.joined() == whole.text)
            #expect(whole.finishReason != nil, "the last chunk says why it stopped")
        }
    }

    @Test func embeddingsComeBackOnePerTextInOrder() async throws {
        try await withClient { llm in
            let vectors = try await llm.embed(["a cat", "a dog", "a cat"], model: "smollm2")
            #expect(vectors.count == 3)
            #expect(vectors.allSatisfy { !$0.isEmpty && $0.count == vectors[0].count })
            #expect(vectors[0] == vectors[2], "the same text, the same vector, in its place")
        }
    }

    @Test func aRefusedRequestIsFinalAndSaysWhy() async throws {
        try await withClient { llm in
            var request = Self.question
            request.model = "anthropic/claude"
            let failure = try await #require(throws: LLMCallFailed.self) { try await llm.chat(request) }
            #expect(failure.kind == .refused && failure.status == 400)
            #expect(!failure.retryable)
            #expect(failure.description.contains("not configured"), "\(failure)")
        }
    }

    @Test func anUnreachableProxyIsRetryable() async throws {
        try await ClosedPort.with { port in
            let llm = LLMProxyClient(baseURL: "http://127.0.0.1:\(port)", timeout: .seconds(30))
            let failure = try await #require(throws: LLMCallFailed.self) { try await llm.chat(Self.question) }
            #expect(failure.kind == .unreachable && failure.retryable, "\(failure)")
        }
    }

    @Test func cancellingTheTaskEndsTheCallAsACancellationNotAFailure() async throws {
        // A proxy that does not answer until the test is over: only cancellation can end the
        // call. (Its handler then returns, so the server's shutdown need not wait for it.)
        let over = Mutex(false)
        let router = Router()
        router.post("/v1/chat/completions") { _, _ -> Response in
            while !over.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(50)) }
            return Response(status: .serviceUnavailable)
        }
        let silent = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await silent.test(.live) { client in
            let llm = LLMProxyClient(baseURL: "http://127.0.0.1:\(try #require(client.port))", timeout: .seconds(600))
            let call = Task { try await llm.chat(Self.question) }
            try await Task.sleep(for: .milliseconds(300))
            call.cancel()
            let outcome = await call.result
            over.withLock { $0 = true }
            #expect(throws: CancellationError.self) { try outcome.get() }
        }
    }
}

/// The SSE splitter under the streamed calls.
@Suite struct ServerSentEventsTests {
    @Test func payloadsAreSplitAcrossBuffersUntilDone() throws {
        let stream = "data: {\"a\":1}\r\n\r\n: a comment\n\ndata: {\"b\"" + ":2}\n\ndata: [DONE]\n\ndata: {\"late\":3}\n\n"
        let bytes = Array(stream.utf8)
        var parser = ServerSentEvents(maxTotalBytes: 1 << 20)
        var payloads: [String] = []
        for chunk in stride(from: 0, to: bytes.count, by: 5) {
            payloads += try parser.append(ByteBuffer(bytes: bytes[chunk..<min(chunk + 5, bytes.count)])).map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(payloads == [#"{"a":1}"#, #"{"b":2}"#])
        #expect(parser.isDone)
    }

    @Test func aStreamOverItsBudgetFails() {
        var parser = ServerSentEvents(maxTotalBytes: 64)
        #expect(throws: LLMCallFailed.self) { _ = try parser.append(ByteBuffer(repeating: UInt8(ascii: "x"), count: 65)) }
    }
}

/// `Retry-After` in both of its forms; anything else is no hint at all.
@Suite struct RetryAfterTests {
    @Test func secondsAndHTTPDatesAreReadAndNonsenseIsIgnored() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // Tue, 14 Nov 2023 22:13:20 GMT
        #expect(RetryAfter.parse("12", now: now) == .seconds(12))
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Tue, 14 Nov 2023 22:00:00 GMT", now: now) == .zero, "a date gone by: no wait")
        #expect(RetryAfter.parse("-3", now: now) == nil)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test func timeoutsAndRateLimitsAreRetryableAndOtherRefusalsAreNot() {
        #expect(LLMCallFailed(.refused, status: 408, "").retryable)
        #expect(LLMCallFailed(.refused, status: 429, "").retryable)
        #expect(LLMCallFailed(.refused, status: 503, "").retryable)
        #expect(!LLMCallFailed(.refused, status: 400, "").retryable)
        #expect(!LLMCallFailed(.refused, status: 404, "").retryable)
    }
}
