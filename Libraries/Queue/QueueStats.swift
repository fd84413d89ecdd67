import RedisClient

/// How a queue is keeping up: how long its oldest runnable job has waited, and how many
/// jobs ended, minute by minute (`pcsq_stats`).
public struct QueueStats: Sendable, Equatable {
    /// Per lane, how long the oldest job a worker could take now has waited (a run held at
    /// its own concurrency limit is not counted: it waits by its choice, not for a worker).
    public var oldestWaiting: [String: Duration]
    /// Jobs that ended in the last full minute, by how (`completed`, `dead`, `cancelled`).
    public var lastMinute: [String: Int]
    /// The same over the last five full minutes.
    public var lastFiveMinutes: [String: Int]

    /// Jobs completed per second over the last five full minutes.
    public var completedPerSecond: Double { Double(lastFiveMinutes["completed"] ?? 0) / 300 }

    init(reply: RESPValue, now: Int64) {
        let parts = reply.array ?? []
        var oldest: [String: Duration] = [:]
        let lanes = parts.first?.array ?? []
        for index in stride(from: 0, to: lanes.count - 1, by: 2) {
            guard let lane = lanes[index].string, let at = lanes[index + 1].string.flatMap(Int64.init) else { continue }
            oldest[lane] = .milliseconds(max(0, now - at))
        }
        oldestWaiting = oldest
        let minute = now / 60_000
        var last: [String: Int] = [:]
        var five: [String: Int] = [:]
        let rate = parts.count > 1 ? parts[1].array ?? [] : []
        for index in stride(from: 0, to: rate.count - 1, by: 2) {
            guard let field = rate[index].string, let count = rate[index + 1].string.flatMap(Int.init) else { continue }
            let pieces = field.split(separator: ":")
            guard pieces.count == 2, let at = Int64(pieces[0]) else { continue }
            let state = String(pieces[1])
            if at == minute - 1 { last[state, default: 0] += count }
            if (minute - 5)..<minute ~= at { five[state, default: 0] += count }
        }
        lastMinute = last
        lastFiveMinutes = five
    }
}

extension JobQueue {
    /// The queue's oldest waiting jobs and recent throughput (one `pcsq_stats` call), as of `now`.
    public func stats(now: Int64 = JobEnvelope.nowMillis()) async throws -> QueueStats {
        let reply = try await call([["pcsq_stats", "1", base, String(now)]])[0]
        if let failure = reply.errorMessage { throw RedisError.server(failure) }
        return QueueStats(reply: reply, now: now)
    }
}
