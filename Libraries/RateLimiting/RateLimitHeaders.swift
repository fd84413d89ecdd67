/// The `RateLimit-Policy` and `RateLimit` response fields of the IETF httpapi draft
/// (draft-ietf-httpapi-ratelimit-headers): each rate is a list item named after it, with its
/// quota `q` per window `w` seconds, and now `r` units remaining until it is full again in `t` seconds.
public enum RateLimitHeaders {
    /// `"read-user";q=600;w=60, "all-ip";q=6000;w=60`
    public static func policy(_ rates: [RateLimit]) -> String {
        rates.map { "\"\($0.name)\";q=\($0.limit);w=\(wholeSeconds($0.period))" }.joined(separator: ", ")
    }

    /// `"read-user";r=599;t=1, "all-ip";r=5999;t=1`
    public static func current(_ states: [RateLimitState]) -> String {
        states.map { "\"\($0.rate.name)\";r=\($0.remaining);t=\(wholeSeconds($0.untilFull))" }.joined(separator: ", ")
    }

    /// `Retry-After` for a refused request: whole seconds, at least 1.
    public static func retryAfter(_ verdict: RateLimitVerdict) -> String {
        String(max(1, wholeSeconds(verdict.retryAfter)))
    }

    /// Rounded up, so a client that waits this long finds room.
    static func wholeSeconds(_ duration: Duration) -> Int64 {
        let micros = duration.microseconds
        return micros <= 0 ? 0 : (micros + 999_999) / 1_000_000
    }
}
