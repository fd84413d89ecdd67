/// One rate: at most `limit` units per `period`, with up to `burst` of them at once (GCRA's
/// tolerance). Over any window of `period`, at most `limit + burst` units are admitted.
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// A short name, used in Redis keys and in the `RateLimit-Policy` header (`[a-z0-9_-]`).
    public let name: String
    public let limit: Int
    public let period: Duration
    public let burst: Int

    public init(name: String, limit: Int, period: Duration, burst: Int? = nil) {
        self.name = name
        self.limit = max(1, limit)
        self.period = period
        self.burst = max(1, burst ?? limit)
    }

    /// Microseconds between two units at the steady rate (GCRA's emission interval).
    var intervalMicros: Int64 { max(1, period.microseconds / Int64(limit)) }
    /// How far ahead of now the next free time may run (GCRA's tolerance), in microseconds.
    var toleranceMicros: Int64 { intervalMicros * Int64(burst - 1) }

    public var description: String { "\(name): \(limit)/\(period.components.seconds)s burst \(burst)" }
}

extension Duration {
    /// Whole microseconds.
    public var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
