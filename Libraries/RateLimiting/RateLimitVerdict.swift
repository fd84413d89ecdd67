/// Where one rate stands after a decision.
public struct RateLimitState: Sendable, Equatable {
    public let rate: RateLimit
    /// Units that would still be admitted right now.
    public let remaining: Int
    /// How long until one unit is free again (zero while `remaining` > 0).
    public let retryAfter: Duration
    /// How long until the rate is back to its full burst.
    public let untilFull: Duration

    public init(rate: RateLimit, remaining: Int, retryAfter: Duration, untilFull: Duration) {
        self.rate = rate
        self.remaining = remaining
        self.retryAfter = retryAfter
        self.untilFull = untilFull
    }
}

/// What the limiter decided for one request.
public struct RateLimitVerdict: Sendable, Equatable {
    /// Whether the request may go (it then counts against every rate).
    public let admitted: Bool
    /// Every rate consulted, in the order given.
    public let states: [RateLimitState]

    public init(admitted: Bool, states: [RateLimitState]) {
        self.admitted = admitted
        self.states = states
    }

    /// How long a refused caller should wait: until every exhausted rate has room again.
    public var retryAfter: Duration {
        states.map(\.retryAfter).max() ?? .zero
    }

    /// The rate closest to refusing (fewest units left), which the `RateLimit` header reports.
    public var tightest: RateLimitState? {
        states.min { $0.remaining != $1.remaining ? $0.remaining < $1.remaining : $0.retryAfter > $1.retryAfter }
    }
}
