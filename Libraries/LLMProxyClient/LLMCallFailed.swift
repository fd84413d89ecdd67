/// A call to llm-proxy that produced no answer. `retryable` says whether trying again
/// later may work (llm-proxy or its backend was down, slow or overloaded) or not (the
/// request itself is wrong, e.g. an unknown model). Cancellation is never wrapped in it.
public struct LLMCallFailed: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// No connection, or it broke before an answer.
        case unreachable
        /// No answer within the call's timeout.
        case timedOut
        /// llm-proxy answered with an error status.
        case refused
        /// The answer could not be read (not JSON, over the size budget, cut short).
        case malformed
    }

    public var kind: Kind
    /// llm-proxy's status, when it answered.
    public var status: Int?
    public var description: String
    /// How long llm-proxy asked the caller to wait (`Retry-After` on a 429 or 503).
    public var retryAfter: Duration?

    public var retryable: Bool {
        switch kind {
        case .unreachable, .timedOut: true
        // 408 and 429 say "not now"; any other 4xx says the request itself is wrong.
        case .refused: status.map { $0 >= 500 || $0 == 429 || $0 == 408 } ?? true
        case .malformed: false
        }
    }

    public init(_ kind: Kind, status: Int? = nil, _ description: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.status = status
        self.description = description
        self.retryAfter = retryAfter
    }

}
