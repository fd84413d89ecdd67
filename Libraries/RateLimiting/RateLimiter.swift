import Logging
import Metrics
import RedisClient
import Synchronization

/// Decides requests against shared rates in Redis, and stays out of the way when Redis
/// cannot answer: a decision never takes longer than `timeout`, and after a failure (an error,
/// or `timeoutsBeforeBackoff` timeouts in a row: one slow answer is not an outage) Redis is
/// left alone for `backoff`, so an outage costs each request nothing rather than a timeout.
/// Meanwhile requests are admitted (`failOpen`, the default: the rates are a guard, not the
/// product) or refused, counted in `pcs_rate_limit_decisions_total` and logged once per backoff.
public final class RateLimiter: Sendable {
    /// What happens to requests while Redis cannot decide.
    public enum FailureMode: String, Sendable, CaseIterable {
        case open, closed
    }

    /// A decision, or the lack of one.
    public enum Decision: Sendable, Equatable {
        case decided(RateLimitVerdict)
        /// Redis did not answer in time or failed; `admitted` follows the failure mode.
        case undecided(admitted: Bool)
    }

    /// One rate to check, for one subject (its Redis key).
    public struct Check: Sendable, Hashable {
        public let rate: RateLimit
        public let key: String

        public init(rate: RateLimit, key: String) {
            self.rate = rate
            self.key = key
        }
    }

    let redis: RedisClient
    public let failureMode: FailureMode
    public let timeout: Duration
    let backoff: Duration
    let logger: Logger
    private let health = Mutex(Health())
    private struct Health {
        var unreachableUntil: ContinuousClock.Instant?
        var timeoutsInARow = 0
    }

    static let timeoutsBeforeBackoff = 3
    private let counters: Counters
    private let batcher: DecisionBatcher

    struct Counters: Sendable {
        let allowed, limited, failedOpen, failedClosed: Counter

        init(limiter: String) {
            func counter(_ decision: String) -> Counter {
                Counter(label: "pcs_rate_limit_decisions_total", dimensions: [("limiter", limiter), ("decision", decision)])
            }
            allowed = counter("allowed")
            limited = counter("limited")
            failedOpen = counter("failed_open")
            failedClosed = counter("failed_closed")
        }
    }

    /// - Parameter name: the limiter's name in metrics (`gateway`, `llm-proxy`).
    public init(redis: RedisClient, name: String, failureMode: FailureMode = .open, timeout: Duration = .milliseconds(50),
                backoff: Duration = .seconds(1), logger: Logger) {
        self.redis = redis
        self.failureMode = failureMode
        self.timeout = timeout
        self.backoff = backoff
        self.logger = logger
        self.counters = Counters(limiter: name)
        self.batcher = DecisionBatcher(redis: redis, timeout: timeout)
    }

    /// Takes `cost` units from every rate at once if all of them have room.
    public func decide(_ checks: [Check], cost: Int = 1) async -> Decision {
        guard !checks.isEmpty else { return .decided(RateLimitVerdict(admitted: true, states: [])) }
        if let until = health.withLock({ $0.unreachableUntil }), ContinuousClock.now < until { return undecided() }
        switch await batcher.decide(GCRAScript.Request(keys: checks.map(\.key), rates: checks.map(\.rate), cost: cost)) {
        case .decided(.success(let verdict)):
            health.withLock { $0.timeoutsInARow = 0 }
            (verdict.admitted ? counters.allowed : counters.limited).increment()
            return .decided(verdict)
        case .timedOut:
            let outage = health.withLock { health in
                health.timeoutsInARow += 1
                return health.timeoutsInARow >= Self.timeoutsBeforeBackoff
            }
            guard outage else { return undecided() }
            return failed("did not answer within \(timeout) \(Self.timeoutsBeforeBackoff) times in a row")
        case .decided(.failure(let error)):
            return failed("failed: \(error)")
        }
    }

    /// Loads the script and opens a connection, so the first request does not pay for either
    /// (on a loaded machine that alone can exceed `timeout`). Failing is fine: Redis may come later.
    public func prepare() async {
        _ = try? await redis.send(["SCRIPT", "LOAD", GCRAScript.source])
    }

    private func failed(_ reason: String) -> Decision {
        let first = health.withLock { health in
            let first = health.unreachableUntil.map { ContinuousClock.now >= $0 } ?? true
            health.unreachableUntil = ContinuousClock.now + backoff
            health.timeoutsInARow = 0
            return first
        }
        if first {
            logger.warning("rate limits are not enforced: Redis \(reason); failing \(failureMode.rawValue) for \(backoff)",
                           metadata: ["failure_mode": .string(failureMode.rawValue)])
        }
        return undecided()
    }

    private func undecided() -> Decision {
        let admitted = failureMode == .open
        (admitted ? counters.failedOpen : counters.failedClosed).increment()
        return .undecided(admitted: admitted)
    }
}
