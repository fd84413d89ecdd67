import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A stand-in for llm-proxy's chat endpoint that answers the first `answered` calls (an
/// OpenAI chat completion) and then never answers: the hung upstream a job deadline exists
/// for. It counts every call, so a test can tell whether the model was asked at all, and
/// while `hold()` is in force it keeps answers back until `release()`, so a test can change
/// the world (stop Postgres, say) while a job waits for its model.
final class ScriptedLLMProxy: Sendable {
    /// An error status the proxy answers instead, with its `Retry-After`.
    struct Refusal: Sendable {
        var status: Int
        var retryAfter: String?
    }

    let answered: Int
    /// The first calls get these answers, in order, before any is answered.
    let refusals: [Refusal]
    private let calls = Mutex(0)
    private let callTimes = Mutex<[ContinuousClock.Instant]>([])
    /// Calls being answered now, and the most there ever were at once.
    private let concurrency = Mutex((now: 0, most: 0))
    /// How long each answer takes (so that calls overlap when nothing stops them).
    let answerDelay: Duration
    private let holding = Atomic(false)
    /// Set when `serve` ends: hung calls then return, so the server's shutdown never waits on them.
    private let stopping = Atomic(false)

    /// What llm-proxy would report each answer cost (`X-Response-Cost`), if anything.
    let cost: String?

    init(answered: Int, refusals: [Refusal] = [], cost: String? = nil, answerDelay: Duration = .zero) {
        self.answered = answered
        self.refusals = refusals
        self.cost = cost
        self.answerDelay = answerDelay
    }

    var callCount: Int { calls.withLock { $0 } }
    /// When each call came in, in order.
    var callInstants: [ContinuousClock.Instant] { callTimes.withLock { $0 } }
    /// The most calls that were being answered at once.
    var mostConcurrentCalls: Int { concurrency.withLock { $0.most } }

    /// Answers wait until `release()`.
    func hold() { holding.store(true, ordering: .sequentiallyConsistent) }
    func release() { holding.store(false, ordering: .sequentiallyConsistent) }

    /// Serves on a free loopback port while `body` runs; `body` gets the base URL.
    func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/v1/chat/completions") { _, _ -> Response in
            let number = self.calls.withLock { count in
                count += 1
                return count
            }
            self.callTimes.withLock { $0.append(.now) }
            if number <= self.refusals.count {
                let refusal = self.refusals[number - 1]
                var headers: HTTPFields = [.contentType: "application/problem+json"]
                if let retryAfter = refusal.retryAfter { headers[.retryAfter] = retryAfter }
                let problem = #"{"title":"refused","status":\#(refusal.status),"detail":"scripted refusal \#(number)"}"#
                return Response(status: .init(code: refusal.status), headers: headers,
                                body: .init(byteBuffer: ByteBuffer(string: problem)))
            }
            let call = number - self.refusals.count
            self.concurrency.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            defer { self.concurrency.withLock { $0.now -= 1 } }
            if self.answerDelay > .zero { try await Task.sleep(for: self.answerDelay) }
            while (call > self.answered || self.holding.load(ordering: .sequentiallyConsistent))
                && !self.stopping.load(ordering: .sequentiallyConsistent) {
                try await Task.sleep(for: .milliseconds(50))
            }
            guard call <= self.answered else { return Response(status: .gatewayTimeout) }
            let body = #"{"id":"c","object":"chat.completion","model":"smollm2","choices":[{"index":0,"#
                + #""message":{"role":"assistant","content":"hello there"},"finish_reason":"stop"}],"#
                + #""usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#
            var headers: HTTPFields = [.contentType: "application/json"]
            if let cost = self.cost { headers[HTTPField.Name("X-Response-Cost")!] = cost }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return try await LoopbackServer.serve(router, onStop: { self.stopping.store(true, ordering: .sequentiallyConsistent) },
                                              body)
    }
}
