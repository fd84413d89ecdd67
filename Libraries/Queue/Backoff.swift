/// How long a failed job waits before its next attempt: `fixed` waits `delay` each time,
/// `exponential` waits `delay · 2^(attempt−1)`, both capped at `cap`; `jitter` (0…1) is the
/// share of the wait that is random, so the retries of many jobs that failed together
/// spread out instead of stampeding back at once.
public struct Backoff: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case fixed, exponential
    }

    public var kind: Kind
    public var delayMilliseconds: Int64
    public var jitter: Double

    /// The longest wait, whatever the attempt.
    public static let capMilliseconds: Int64 = 300_000

    public init(kind: Kind = .exponential, delayMilliseconds: Int64 = 1000, jitter: Double = 0.5) {
        self.kind = kind
        self.delayMilliseconds = max(0, delayMilliseconds)
        self.jitter = min(max(jitter, 0), 1)
    }

    init(fields: [String: String]) {
        self.init(kind: fields["backoff"].flatMap(Kind.init(rawValue:)) ?? .exponential,
                  delayMilliseconds: fields["backoff_delay"].flatMap(Int64.init) ?? 1000,
                  jitter: fields["backoff_jitter"].flatMap(Double.init) ?? 0.5)
    }

    var fields: [String] {
        ["backoff", kind.rawValue, "backoff_delay", String(delayMilliseconds), "backoff_jitter", String(jitter)]
    }

    /// The wait after `attempt` failed (1 for the first attempt).
    public func delay(afterAttempt attempt: Int) -> Int64 {
        var base = delayMilliseconds
        if kind == .exponential {
            let (product, overflow) = delayMilliseconds.multipliedReportingOverflow(by: Int64(1) << Int64(min(max(attempt - 1, 0), 30)))
            base = overflow ? Self.capMilliseconds : product
        }
        let capped = min(base, Self.capMilliseconds)
        let random = Int64(Double(capped) * jitter)
        return capped - random + (random > 0 ? Int64.random(in: 0...random) : 0)
    }
}
