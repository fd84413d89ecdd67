import RedisClient

/// At most `limit` holders at once, counted in Redis, so the limit is exact however many
/// processes share it (every llm-proxy replica in front of one model). A slot is a member
/// of a sorted set scored by when its lease ends: a holder that died without releasing
/// (killed, partitioned) loses its slot when the lease runs out, so a crash never leaks
/// capacity for longer than `lease`. Time is Redis's own (`TIME`), so replicas with
/// drifting clocks agree. One round trip per try.
public struct ConcurrencySlots: Sendable {
    let redis: RedisClient
    /// The sorted set of holders.
    public let key: String
    public let limit: Int
    /// How long a slot is held at most without being released.
    public let lease: Duration

    public init(redis: RedisClient, key: String, limit: Int, lease: Duration) {
        self.redis = redis
        self.key = key
        self.limit = max(1, limit)
        self.lease = lease
    }

    // KEYS: the set. ARGV: holder, limit, lease ms. Returns 1 when the holder has a slot, else 0.
    static let acquireScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local lease = tonumber(ARGV[3])
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
          redis.call('PEXPIRE', KEYS[1], lease * 2)
          return 1
        end
        return 0
        """

    /// Takes a slot for `holder` if one is free; true when it did (or already had one).
    public func tryAcquire(holder: String) async throws -> Bool {
        let reply = try await redis.send(["EVAL", Self.acquireScript, "1", key, holder, String(limit),
                                          String(lease.milliseconds)])
        if let failure = reply.errorMessage { throw RedisError.server(failure) }
        return reply.int == 1
    }

    /// Gives the holder's slot back.
    public func release(holder: String) async throws {
        _ = try await redis.send(["ZREM", key, holder])
    }

    /// Holders now (including any whose lease ran out but not yet swept).
    public func holders() async throws -> Int {
        try await redis.send(["ZCARD", key]).int ?? 0
    }
}
