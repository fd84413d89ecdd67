import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceKit

/// The one client of llm-proxy's OpenAI-compatible API (chat, streamed chat, embeddings),
/// for every daemon that calls a model: queue-worker's test cases and the grader (in
/// queue-worker and cards-api). Failures are mapped once, here, to `LLMCallFailed`; the
/// connect limit is `ServiceHTTPClient`'s; the task's cancellation ends the call.
public struct LLMProxyClient: Sendable {
    /// llm-proxy's root URL (`http://127.0.0.1:8104`).
    public let baseURL: String
    /// The longest a call may take, connection to last byte.
    public let timeout: Duration
    /// The largest answer read, in bytes (an embedding batch is the biggest).
    public var maxAnswerBytes = 32 << 20
    let http: HTTPClient

    public init(baseURL: String, timeout: Duration = .seconds(120), http: HTTPClient = ServiceHTTPClient.shared) {
        self.baseURL = baseURL
        self.timeout = timeout
        self.http = http
    }

    /// One answer. `requestID` goes along as `X-Request-Id`, so llm-proxy's log lines of
    /// the call carry the job's id.
    public func chat(_ request: ChatCompletionRequest, requestID: String? = nil) async throws -> ChatCompletion {
        let started = ContinuousClock.now
        let (response, body) = try await post("/v1/chat/completions", body: request.body(stream: false), requestID: requestID)
        guard let wire = try? JSONDecoder().decode(WireCompletion.self, from: body), let choice = wire.choices?.first else {
            throw LLMCallFailed(.malformed, status: 200, "llm-proxy answered a chat completion without a choice")
        }
        return ChatCompletion(
            text: choice.message?.content ?? "", finishReason: choice.finish_reason,
            promptTokens: wire.usage?.prompt_tokens ?? 0, completionTokens: wire.usage?.completion_tokens ?? 0,
            cost: response.headers.first(name: "X-Response-Cost").flatMap(Double.init),
            latencyMs: Self.milliseconds(since: started), provider: response.headers.first(name: "X-Upstream-Provider"))
    }

    /// The answer as it is generated: `.delta`s of text, then `.finished` with the whole
    /// answer and its usage. Ending the iteration (or cancelling its task) ends the call.
    public func stream(_ request: ChatCompletionRequest, requestID: String? = nil) -> AsyncThrowingStream<ChatStreamEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream<ChatStreamEvent, any Error>.makeStream()
        let task = Task {
            do {
                try await streamAnswer(request, requestID: requestID, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// Embedding vectors of `texts`, in their order.
    public func embed(_ texts: [String], model: String, requestID: String? = nil) async throws -> [[Double]] {
        let body = try JSONSerialization.data(withJSONObject: ["model": model, "input": texts])
        let (_, answer) = try await post("/v1/embeddings", body: body, requestID: requestID)
        guard let wire = try? JSONDecoder().decode(WireEmbeddings.self, from: answer) else {
            throw LLMCallFailed(.malformed, status: 200, "llm-proxy answered embeddings that could not be read")
        }
        let vectors = wire.data.sorted { ($0.index ?? 0) < ($1.index ?? 0) }.map(\.embedding)
        guard vectors.count == texts.count else {
            throw LLMCallFailed(.malformed, status: 200, "llm-proxy answered \(vectors.count) embeddings for \(texts.count) texts")
        }
        return vectors
    }

    private func streamAnswer(_ request: ChatCompletionRequest, requestID: String?,
                              into continuation: AsyncThrowingStream<ChatStreamEvent, any Error>.Continuation) async throws {
        let started = ContinuousClock.now
        let response = try await send("/v1/chat/completions", body: request.body(stream: true), requestID: requestID)
        guard response.status == .ok else { throw try await refusal(response) }
        var parser = ServerSentEvents(maxTotalBytes: maxAnswerBytes)
        var text = ""
        var finishReason: String?
        var usage: WireCompletion.Usage?
        do {
            for try await buffer in response.body {
                for data in try parser.append(buffer) {
                    guard let chunk = try? JSONDecoder().decode(WireCompletion.self, from: data) else { continue }
                    if let choice = chunk.choices?.first {
                        if let delta = choice.delta?.content, !delta.isEmpty {
                            text += delta
                            continuation.yield(.delta(delta))
                        }
                        finishReason = choice.finish_reason ?? finishReason
                    }
                    usage = chunk.usage ?? usage
                }
                if parser.isDone { break }
            }
        } catch let failure as LLMCallFailed {
            throw failure
        } catch {
            throw Self.transportFailure(error, timeout: timeout)
        }
        continuation.yield(.finished(ChatCompletion(
            text: text, finishReason: finishReason, promptTokens: usage?.prompt_tokens ?? 0,
            completionTokens: usage?.completion_tokens ?? 0, cost: nil, latencyMs: Self.milliseconds(since: started),
            provider: response.headers.first(name: "X-Upstream-Provider"))))
    }

    /// A POST whose whole answer is read; any status but 200 is a failure.
    private func post(_ path: String, body: Data, requestID: String?) async throws -> (HTTPClientResponse, Data) {
        let response = try await send(path, body: body, requestID: requestID)
        guard response.status == .ok else { throw try await refusal(response) }
        do {
            let buffer = try await response.body.collect(upTo: maxAnswerBytes)
            return (response, Data(buffer.readableBytesView))
        } catch let error as NIOTooManyBytesError {
            throw LLMCallFailed(.malformed, status: 200, "llm-proxy's answer is over \(maxAnswerBytes) bytes (\(error))")
        } catch {
            throw Self.transportFailure(error, timeout: timeout)
        }
    }

    private func send(_ path: String, body: Data, requestID: String?) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        // The trace headers are AsyncHTTPClient's: it opens a client span in the current
        // context (the job's span, in queue-worker) and writes its `traceparent`.
        if let requestID { request.headers.add(name: "X-Request-Id", value: requestID) }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            return try await http.execute(request, timeout: timeout.timeAmount)
        } catch {
            throw Self.transportFailure(error, timeout: timeout)
        }
    }

    /// An error status, with llm-proxy's explanation of it.
    private func refusal(_ response: HTTPClientResponse) async throws -> LLMCallFailed {
        let status = Int(response.status.code)
        let body = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
        return LLMCallFailed(.refused, status: status, "llm-proxy answered \(status): \(WireProblem.explanation(of: body))",
                             retryAfter: RetryAfter.parse(response.headers.first(name: "retry-after")))
    }

    /// What went wrong on the wire; cancellation stays cancellation, so a stopped job is
    /// not mistaken for a down proxy.
    static func transportFailure(_ error: any Error, timeout: Duration) -> any Error {
        if error is CancellationError || Task.isCancelled { return CancellationError() }
        if let error = error as? HTTPClientError, error == .deadlineExceeded || error == .readTimeout {
            return LLMCallFailed(.timedOut, "llm-proxy did not answer within \(timeout)")
        }
        return LLMCallFailed(.unreachable, "llm-proxy unreachable: \(error)")
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
