import Crypto
import RedisClient

/// Several rates decided together, atomically and in one round trip: a request is admitted
/// only if every one of its rates has room, and then counts against all of them; a refused
/// request counts against none. Each rate is one timestamp in Redis (the theoretical arrival
/// time of the next unit), and time is Redis's own, so any number of replicas share it exactly.
enum GCRAScript {
    // KEYS: one per rate. ARGV[1]: the cost in units; then per rate its emission interval and
    // tolerance in µs. Returns {admitted (1/0), then per rate: remaining units, µs until one
    // unit is free (0 if one is), µs until the rate is back to its full burst}.
    static let source = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local cost = tonumber(ARGV[1])
        local tats, admitted = {}, 1
        for i = 1, #KEYS do
          local interval, tolerance = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
          local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
          if tat < now then tat = now end
          tats[i] = tat
          if tat - now + interval * (cost - 1) > tolerance then admitted = 0 end
        end
        local reply = {admitted}
        for i = 1, #KEYS do
          local interval, tolerance = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
          local tat = tats[i]
          if admitted == 1 then
            tat = tat + interval * cost
            redis.call('SET', KEYS[i], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
          end
          local ahead = tat - now
          local remaining, wait = 0, 0
          if ahead <= tolerance then
            remaining = math.floor((tolerance - ahead) / interval) + 1
          else
            wait = ahead - tolerance
          end
          reply[#reply + 1] = remaining
          reply[#reply + 1] = wait
          reply[#reply + 1] = ahead
        end
        return reply
        """

    /// The script's SHA-1, for `EVALSHA`; Redis keeps compiled scripts until restarted.
    static let sha: String = Insecure.SHA1.hash(data: Array(source.utf8)).map { byte in
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
    }.joined()

    /// One decision to make: its keys, their rates, and the cost.
    struct Request: Sendable {
        let keys: [String]
        let rates: [RateLimit]
        let cost: Int

        var arguments: [String] {
            var arguments = [String(keys.count)] + keys + [String(cost)]
            for rate in rates {
                arguments.append(String(rate.intervalMicros))
                arguments.append(String(rate.toleranceMicros))
            }
            return arguments
        }
    }

    /// Runs the script: `EVALSHA`, and `EVAL` once if this Redis has not seen it yet.
    static func evaluate(_ redis: RedisClient, keys: [String], rates: [RateLimit], cost: Int) async throws
        -> RateLimitVerdict
    {
        let request = Request(keys: keys, rates: rates, cost: cost)
        let reply: RESPValue
        do {
            reply = try await redis.send(["EVALSHA", sha] + request.arguments)
        } catch RedisError.server(let message) where message.hasPrefix("NOSCRIPT") {
            reply = try await redis.send(["EVAL", source] + request.arguments)
        }
        return try verdict(reply, rates: rates)
    }

    /// Several decisions in one pipeline (each still its own atomic script run), answers in
    /// order: a failed one is its error, the others stand.
    static func evaluate(_ redis: RedisClient, _ requests: [Request]) async throws -> [Result<RateLimitVerdict, any Error>] {
        var replies = try await redis.pipeline(requests.map { ["EVALSHA", sha] + $0.arguments })
        let unknown = replies.indices.filter { replies[$0].errorMessage?.hasPrefix("NOSCRIPT") == true }
        if !unknown.isEmpty {
            let retried = try await redis.pipeline(unknown.map { ["EVAL", source] + requests[$0].arguments })
            for (index, reply) in zip(unknown, retried) { replies[index] = reply }
        }
        return zip(requests, replies).map { request, reply in
            if let failure = reply.errorMessage { return .failure(RedisError.server(failure)) }
            return Result { try verdict(reply, rates: request.rates) }
        }
    }

    static func verdict(_ reply: RESPValue, rates: [RateLimit]) throws -> RateLimitVerdict {
        let numbers = (reply.array ?? []).map { $0.int ?? 0 }
        guard numbers.count == 1 + 3 * rates.count else {
            throw RedisError.protocolError("the rate limit script answered \(numbers.count) numbers")
        }
        let states = rates.indices.map { index in
            RateLimitState(rate: rates[index], remaining: numbers[1 + 3 * index],
                           retryAfter: .microseconds(numbers[2 + 3 * index]),
                           untilFull: .microseconds(numbers[3 + 3 * index]))
        }
        return RateLimitVerdict(admitted: numbers[0] == 1, states: states)
    }
}
