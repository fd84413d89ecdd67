import Foundation
import RedisClient

/// A named job queue over Redis Streams with one consumer group: at-least-once delivery,
/// retries with exponential backoff and jitter through a delayed set, a dead-letter stream
/// after the last attempt, and reclaiming of jobs whose worker died.
public struct JobQueue: Sendable {
    /// What happened to a failed job.
    public enum FailureOutcome: Sendable, Equatable {
        case retryScheduled(attempt: Int, dueAtMillis: Int64)
        case deadLettered
    }

    public let name: String
    let redis: RedisClient
    let keys: RedisKeys
    let backoffBase: Duration
    let backoffCap: Duration

    public init(name: String = "default", redis: RedisClient, keys: RedisKeys,
                backoffBase: Duration = .seconds(1), backoffCap: Duration = .seconds(300)) {
        self.name = name
        self.redis = redis
        self.keys = keys
        self.backoffBase = backoffBase
        self.backoffCap = backoffCap
    }

    var stream: String { keys.jobStream(name) }
    var group: String { keys.consumerGroup }

    /// Creates the stream and its consumer group if missing (from the stream's start, so
    /// jobs enqueued before any worker existed are delivered too).
    public func ensureGroup() async throws {
        do {
            _ = try await redis.send(["XGROUP", "CREATE", stream, group, "0", "MKSTREAM"])
        } catch RedisError.server(let message) where message.hasPrefix("BUSYGROUP") {
            return
        }
    }

    /// Enqueues jobs in one round trip; a job with a future `notBefore` waits in the delayed set.
    public func enqueue(_ jobs: [JobEnvelope]) async throws {
        guard !jobs.isEmpty else { return }
        let now = JobEnvelope.nowMillis()
        let commands = try jobs.map { job -> [String] in
            if let due = job.notBefore, due > now {
                return ["ZADD", keys.delayedJobs(name), String(due), try Self.delayedMember(job)]
            }
            return ["XADD", stream, "*"] + job.fields
        }
        for reply in try await redis.pipeline(commands) {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
    }

    public func enqueue(_ job: JobEnvelope) async throws {
        try await enqueue([job])
    }

    /// Up to `count` new jobs for `consumer`, waiting at most `block` for one to arrive.
    public func claim(consumer: String, count: Int = 1, block: Duration = .seconds(1)) async throws -> [ClaimedJob] {
        let reply = try await redis.send([
            "XREADGROUP", "GROUP", group, consumer, "COUNT", String(count),
            "BLOCK", String(block.milliseconds), "STREAMS", stream, ">",
        ])
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else { return [] }
        return try StreamEntries.parse(first[1]).map { Self.claimed(id: $0.id, fields: $0.fields, deliveries: 1) }
    }

    /// Takes over jobs that another consumer has held for longer than `minIdle` without
    /// acknowledging them — that consumer is presumed dead. Each comes with its real delivery
    /// count (this takeover included), so the caller can end a job that keeps killing its
    /// workers (`stalls`). Only one consumer wins a given job: `XCLAIM` with the same
    /// `minIdle` refuses one that another consumer took over meanwhile.
    public func reclaimStalled(consumer: String, minIdle: Duration, count: Int = 50) async throws -> [ClaimedJob] {
        let idle = String(minIdle.milliseconds)
        let pending = try await redis.send(["XPENDING", stream, group, "IDLE", idle, "-", "+", String(count)])
        guard let rows = pending.array else { throw QueueError.unexpectedReply("XPENDING") }
        var deliveries: [String: Int] = [:]
        for row in rows {
            guard let fields = row.array, fields.count == 4, let id = fields[0].string, let count = fields[3].int else {
                throw QueueError.unexpectedReply("XPENDING entry")
            }
            deliveries[id] = count
        }
        guard !deliveries.isEmpty else { return [] }
        let ids = deliveries.keys.sorted()
        let claimed = try await redis.send(["XCLAIM", stream, group, consumer, idle] + ids)
        return try StreamEntries.parse(claimed).map {
            Self.claimed(id: $0.id, fields: $0.fields, deliveries: (deliveries[$0.id] ?? 1) + 1)
        }
    }

    /// Resets the idle time of a job still being worked on, so it is not reclaimed.
    public func extendLease(_ job: ClaimedJob, consumer: String) async throws {
        _ = try await redis.send(["XCLAIM", stream, group, consumer, "0", job.streamID, "JUSTID"])
    }

    /// Acknowledges and removes a finished job.
    public func complete(_ job: ClaimedJob) async throws {
        _ = try await redis.pipeline([["XACK", stream, group, job.streamID], ["XDEL", stream, job.streamID]])
    }

    /// Schedules a retry after exponential backoff with jitter, or moves the job to the
    /// dead-letter stream after its last attempt (or at once when not `retryable`). The
    /// move and the acknowledgement happen atomically (MULTI/EXEC).
    public func fail(_ job: ClaimedJob, error: String, retryable: Bool = true) async throws -> FailureOutcome {
        let envelope = try? job.envelope.get()
        let ack: [[String]] = [["XACK", stream, group, job.streamID], ["XDEL", stream, job.streamID]]
        if retryable, var next = envelope, next.attempt < next.maxAttempts {
            let due = JobEnvelope.nowMillis() + backoff(afterAttempt: next.attempt).milliseconds
            next.attempt += 1
            next.notBefore = due
            try await atomically([["ZADD", keys.delayedJobs(name), String(due), try Self.delayedMember(next)]] + ack)
            return .retryScheduled(attempt: next.attempt, dueAtMillis: due)
        }
        var fields = envelope?.fields ?? ["id", job.streamID]
        fields += ["error", String(error.prefix(2000)), "failed_at", String(JobEnvelope.nowMillis())]
        try await atomically([["XADD", keys.deadLetters(name), "MAXLEN", "~", "10000", "*"] + fields] + ack)
        return .deadLettered
    }

    /// A job that used up its attempts, as the dead-letter stream keeps it.
    public struct DeadLetter: Sendable {
        public var streamID: String
        public var envelope: JobEnvelope?
        public var error: String
    }

    /// Dead letters after `streamID` (exclusive; "0" for the oldest kept), oldest first.
    public func deadLetters(after streamID: String, count: Int = 100) async throws -> [DeadLetter] {
        let start = streamID == "0" ? "-" : "(\(streamID)"
        let reply = try await redis.send(["XRANGE", keys.deadLetters(name), start, "+", "COUNT", String(count)])
        return try StreamEntries.parse(reply).map {
            DeadLetter(streamID: $0.id, envelope: try? JobEnvelope(fields: $0.fields), error: $0.fields["error"] ?? "")
        }
    }

    /// How far dead letters have been settled (their cases recorded as errored): a stream id, "0" for none.
    public func settledDeadLetters() async throws -> String {
        try await redis.send(["GET", keys.settledDeadLetters(name)]).string ?? "0"
    }

    /// Records that every dead letter up to `streamID` is settled.
    public func markDeadLettersSettled(through streamID: String) async throws {
        _ = try await redis.send(["SET", keys.settledDeadLetters(name), streamID])
    }

    /// Moves delayed jobs whose time has come into the stream; returns how many moved.
    /// Safe to run from every worker at once (the script is atomic).
    @discardableResult
    public func promoteDueJobs(limit: Int = 100) async throws -> Int {
        let reply = try await redis.send([
            "EVAL", Self.promoteScript, "2", keys.delayedJobs(name), stream, String(JobEnvelope.nowMillis()), String(limit),
        ])
        return reply.int ?? 0
    }

    /// Ready, delayed, pending (claimed, unacknowledged) and dead-lettered counts.
    public func depth() async throws -> (ready: Int, delayed: Int, pending: Int, dead: Int) {
        let replies = try await redis.pipeline([
            ["XLEN", stream], ["ZCARD", keys.delayedJobs(name)], ["XPENDING", stream, group], ["XLEN", keys.deadLetters(name)],
        ])
        let pending = replies[2].array?.first?.int ?? 0
        let length = replies[0].int ?? 0
        return (max(0, length - pending), replies[1].int ?? 0, pending, replies[3].int ?? 0)
    }

    /// `base · 2^(attempt-1)`, capped, with "equal jitter": half fixed, half random, so
    /// retries of many failed jobs spread out instead of stampeding together.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 20)
        let raw = min(backoffBase.milliseconds * (1 << exponent), backoffCap.milliseconds)
        let half = raw / 2
        return .milliseconds(half + Int64.random(in: 0...max(half, 0)))
    }

    private func atomically(_ commands: [[String]]) async throws {
        let replies = try await redis.pipeline([["MULTI"]] + commands + [["EXEC"]])
        for reply in replies {
            if case .error(let message) = reply { throw RedisError.server(message) }
        }
        if let exec = replies.last, exec.isNull { throw QueueError.unexpectedReply("EXEC aborted") }
    }

    static func claimed(id: String, fields: [String: String], deliveries: Int) -> ClaimedJob {
        do {
            return ClaimedJob(streamID: id, envelope: .success(try JobEnvelope(fields: fields)), deliveries: deliveries)
        } catch {
            return ClaimedJob(streamID: id, envelope: .failure(error), deliveries: deliveries)
        }
    }

    /// A delayed job is stored as a JSON array of its stream fields (all strings, so the
    /// Lua script can pass them to XADD unchanged).
    static func delayedMember(_ job: JobEnvelope) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: job.fields), as: UTF8.self)
    }

    static let promoteScript = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        local moved = 0
        for _, member in ipairs(due) do
          if redis.call('ZREM', KEYS[1], member) == 1 then
            local fields = cjson.decode(member)
            redis.call('XADD', KEYS[2], '*', unpack(fields))
            moved = moved + 1
          end
        end
        return moved
        """
}

extension Duration {
    /// Whole milliseconds, as Redis commands take them.
    public var milliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
