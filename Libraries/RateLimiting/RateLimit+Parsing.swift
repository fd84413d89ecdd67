extension RateLimit {
    /// Reads a rate written as `<limit>/<period>` (`600/1m`, `20/10s`, `10000/1h`, `5/s`),
    /// or throws the reason.
    public static func parse(name: String, rate text: Substring, burst: Int?) throws(RateLimitSyntaxError) -> RateLimit {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let limit = Int(parts[0]), limit > 0 else {
            throw RateLimitSyntaxError("\"\(text)\" is not <limit>/<period>, e.g. 600/1m")
        }
        let period = try parsePeriod(parts[1])
        if let burst, burst < 1 { throw RateLimitSyntaxError("burst must be at least 1") }
        return RateLimit(name: name, limit: limit, period: period, burst: burst)
    }

    /// `1m`, `10s`, `1h`, `1d`, or a unit alone (`s` = `1s`).
    static func parsePeriod(_ text: Substring) throws(RateLimitSyntaxError) -> Duration {
        guard let unit = text.last, let seconds = ["s": 1, "m": 60, "h": 3_600, "d": 86_400][String(unit)] else {
            throw RateLimitSyntaxError("period \"\(text)\" needs a unit: s, m, h or d")
        }
        let count = text.dropLast()
        guard let multiple = count.isEmpty ? 1 : Int(count), multiple > 0, multiple <= 366 else {
            throw RateLimitSyntaxError("period \"\(text)\" must be 1 to 366 of its unit")
        }
        return .seconds(multiple * seconds)
    }
}

/// A rate written wrongly in configuration.
public struct RateLimitSyntaxError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
