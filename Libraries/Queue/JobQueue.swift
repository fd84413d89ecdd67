import Foundation
import RedisClient

/// A named job queue: the Swift face of the `pcs_queue` Redis functions (QueueFunctions),
/// where all of its logic lives — priority lanes, fair sharing across owners and their
/// groups, per-group concurrency, delays, retries with backoff, leases that fence a stalled
/// worker out, cancellation, dead letters and an events stream (docs/QUEUE.md).
public struct JobQueue: Sendable {
    /// What enqueueing one job did.
    public enum EnqueueOutcome: Sendable, Equatable {
        /// Waiting (or delayed); the id of its `added` event, to read the events stream after.
        case added(eventID: String)
        case delayed(eventID: String)
        /// The queue already knows this id (in this state): nothing was enqueued.
        case duplicate(JobState?)
    }

    /// What to do with a job whose attempt failed.
    public enum Disposition: Sendable, Equatable {
        /// Try again after this wait, if attempts remain; dead-letter it otherwise.
        case retry(afterMilliseconds: Int64)
        /// Dead-letter it now: more attempts would fail the same way.
        case dead
        /// It was cancelled while it ran.
        case cancelled
        /// Not now (a rate limit's `Retry-After`): run it again after this wait without
        /// counting the attempt; after `QueueFunctions.maxDefers` of these it counts as a retry.
        case deferred(afterMilliseconds: Int64)
    }

    public let name: String
    let redis: RedisClient
    let keys: RedisKeys
    /// How long a finished job (its state, result, errors) is kept, and so how long its id
    /// deduplicates.
    public let retention: Duration
    /// The largest payload the queue takes.
    public let maxPayloadBytes: Int
    /// Shared by the copies of this queue, so their completions travel together.
    let completions = CompletionBatcher()

    public init(name: String = "default", redis: RedisClient, keys: RedisKeys, retention: Duration = .seconds(86_400),
                maxPayloadBytes: Int = 1 << 20) {
        self.name = name
        self.redis = redis
        self.keys = keys
        self.retention = retention
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// The key every other key of the queue starts with.
    public var base: String { keys.queue(name) }
    var retentionSeconds: String { String(max(1, retention.components.seconds)) }

    /// Loads the functions into Redis (replacing an older version) and records the queue's
    /// limits where the functions read them. Every worker calls it at start.
    public func prepare() async throws {
        _ = try await redis.send(["FUNCTION", "LOAD", "REPLACE", QueueFunctions.library])
        _ = try await redis.send(["HSET", base + ":config", "max_payload_bytes", String(maxPayloadBytes)])
    }

    /// Enqueues jobs in one round trip and one call, each atomically deduplicated by its id.
    @discardableResult
    public func enqueue(_ jobs: [JobEnvelope]) async throws -> [EnqueueOutcome] {
        guard !jobs.isEmpty else { return [] }
        var command = ["pcsq_enqueue_many", "1", base, String(JobEnvelope.nowMillis())]
        for job in jobs {
            let fields = job.fields
            command.append(String(fields.count))
            command += fields
        }
        let reply = try await call([command])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        guard let items = reply.array, items.count == jobs.count else { throw QueueError.unexpectedReply("pcsq_enqueue_many: \(reply)") }
        return try items.map { item in
            guard let parts = item.array, parts.count == 2, let outcome = parts[0].string else {
                throw QueueError.unexpectedReply("pcsq_enqueue_many entry: \(item)")
            }
            let detail = parts[1].string ?? ""
            switch outcome {
            case "added": return .added(eventID: detail)
            case "delayed": return .delayed(eventID: detail)
            case "refused": throw QueueError.refused(detail)
            default: return .duplicate(JobState(rawValue: detail))
            }
        }
    }

    @discardableResult
    public func enqueue(_ job: JobEnvelope) async throws -> EnqueueOutcome {
        try await enqueue([job])[0]
    }

    /// Up to `count` jobs for `worker`, by lane and fairly across owners and groups; first
    /// it takes in hand-pushed intake entries, due delayed jobs and the jobs of dead workers
    /// (leases past their end), dead-lettering those that stalled more than `maxStalls` times.
    public func claim(worker: String, count: Int = 1, lease: Duration, maxStalls: Int) async throws -> [ClaimedJob] {
        try await claim(ClaimRequest(worker: worker, count: count, lease: lease, maxStalls: maxStalls))
    }

    public func claim(_ request: ClaimRequest) async throws -> [ClaimedJob] {
        let reply = try await call([["pcsq_claim", "1", base, String(JobEnvelope.nowMillis())] + request.arguments
                                    + [retentionSeconds]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        guard let items = reply.array else { throw QueueError.unexpectedReply("pcsq_claim: \(reply)") }
        return try Self.claimed(items[...])
    }

    /// What a worker asks for when it claims.
    public struct ClaimRequest: Sendable {
        public var worker: String
        public var count: Int
        public var lease: Duration
        public var maxStalls: Int

        public init(worker: String, count: Int = 1, lease: Duration, maxStalls: Int) {
            self.worker = worker
            self.count = count
            self.lease = lease
            self.maxStalls = maxStalls
        }

        var arguments: [String] { [worker, String(count), String(lease.milliseconds), String(maxStalls)] }
    }

    /// Claimed jobs from a reply's token/fields pairs.
    static func claimed(_ items: ArraySlice<RESPValue>) throws -> [ClaimedJob] {
        var claimed: [ClaimedJob] = []
        var index = items.startIndex
        while index + 1 < items.endIndex {
            guard let token = items[index].string, let fields = hash(items[index + 1]), let id = fields["id"] else {
                throw QueueError.unexpectedReply("a claimed job")
            }
            let envelope = Result { () throws(QueueError) in try JobEnvelope(fields: fields) }
            claimed.append(ClaimedJob(id: id, token: token, envelope: envelope, stalls: fields["stalls"].flatMap(Int.init) ?? 0))
            index += 2
        }
        return claimed
    }

    /// Waits until a job may have become ready (a producer or a finished job rang), at most `timeout`.
    public func waitForWork(timeout: Duration) async throws {
        let seconds = String(format: "%.3f", Double(timeout.milliseconds) / 1000)
        _ = try await redis.send(["BLPOP", base + ":marker", seconds])
    }

    /// Extends the leases of jobs still being worked on; returns the ids of those this worker
    /// no longer holds (their lease ran out and they were reclaimed): it must drop them.
    public func extendLeases(_ jobs: [ClaimedJob], lease: Duration) async throws -> Set<String> {
        guard !jobs.isEmpty else { return [] }
        let args = jobs.flatMap { [$0.id, $0.token] }
        let reply = try await call([["pcsq_extend", "1", base, String(JobEnvelope.nowMillis()), String(lease.milliseconds)] + args])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        return Set((reply.array ?? []).compactMap(\.string))
    }

    /// Completes a job with its result (JSON text). False when this worker no longer held it.
    @discardableResult
    public func complete(_ job: ClaimedJob, result: String = "null") async throws -> Bool {
        try await complete(job, result: result, thenClaim: nil).completed
    }

    /// Completes a job and, in the same call, claims the worker's next jobs (`next`): the
    /// worker's hot path, one round trip per job, or fewer: completions that consumers of this
    /// process make at once share one call (`CompletionBatcher`).
    public func complete(_ job: ClaimedJob, result: String, thenClaim next: ClaimRequest?) async throws
        -> (completed: Bool, next: [ClaimedJob]) {
        try await completions.complete(.init(job: job, result: result, next: next), on: self)
    }

    /// Records a failed attempt; returns the job's new state (`failed` = a retry is
    /// scheduled, `dead`, `cancelled`), or nil when this worker no longer held it.
    @discardableResult
    public func fail(_ job: ClaimedJob, error: String, disposition: Disposition) async throws -> JobState? {
        let (mode, delay): (String, Int64) = switch disposition {
        case .retry(let wait): ("retry", max(0, wait))
        case .dead: ("dead", 0)
        case .cancelled: ("cancelled", 0)
        case .deferred(let wait): ("defer", max(0, wait))
        }
        let reply = try await call([["pcsq_fail", "1", base, String(JobEnvelope.nowMillis()), job.id, job.token,
                                     String(error.prefix(2000)), mode, String(delay), retentionSeconds]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        return reply.string.flatMap(JobState.init(rawValue:))
    }

    /// Hands a running job back unfinished, for another worker to run now (this one is
    /// shutting down): no attempt or stall is counted. Returns its state after (`waiting`, or
    /// `cancelled` if it was being cancelled), nil when this worker no longer held it.
    @discardableResult
    public func release(_ job: ClaimedJob) async throws -> JobState? {
        let reply = try await call([["pcsq_release", "1", base, String(JobEnvelope.nowMillis()), job.id, job.token,
                                     retentionSeconds]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        return reply.string.flatMap(JobState.init(rawValue:))
    }

    /// The pub/sub channel that names running jobs to abort (`pcsq_cancel` publishes there).
    public var cancelChannel: String { base + ":cancel" }

    /// Which of these jobs are asked to stop: for a worker that may have missed a message
    /// on `cancelChannel` (its subscriber reconnected).
    public func cancelRequested(_ ids: [String]) async throws -> Set<String> {
        guard !ids.isEmpty else { return [] }
        let replies = try await redis.pipeline(ids.map { ["HEXISTS", base + ":job:" + $0, "cancel"] })
        return Set(zip(ids, replies).compactMap { $1.int == 1 ? $0 : nil })
    }

    /// What cancelling a job did.
    public enum CancelOutcome: Sendable, Equatable {
        /// It was waiting or delayed and is now cancelled.
        case cancelled
        /// It is running: its worker is told and aborts it.
        case cancelling
        /// It had already ended (or never existed: nil).
        case alreadyFinal(JobState?)
    }

    public func cancel(jobID: String, reason: String = "cancelled") async throws -> CancelOutcome {
        let reply = try await call([["pcsq_cancel", "1", base, String(JobEnvelope.nowMillis()), jobID, reason, retentionSeconds]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        switch reply.string {
        case "cancelled": return .cancelled
        case "cancelling": return .cancelling
        case let ended: return .alreadyFinal(ended.flatMap { JobState(rawValue: String($0.dropFirst("ended:".count))) })
        }
    }

    /// Cancels every unfinished job of a group (a run); returns how many were cancelled
    /// outright and how many are running and being told to stop.
    public func cancelGroup(_ group: String, reason: String = "cancelled") async throws -> (cancelled: Int, cancelling: Int) {
        let reply = try await call([["pcsq_cancel_group", "1", base, String(JobEnvelope.nowMillis()), group, reason,
                                     retentionSeconds]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        let counts = reply.array?.compactMap(\.int) ?? []
        guard counts.count == 2 else { throw QueueError.unexpectedReply("pcsq_cancel_group: \(reply)") }
        return (counts[0], counts[1])
    }

    /// What retrying a job did.
    public enum RetryOutcome: Sendable, Equatable {
        /// It waits again, from its first attempt.
        case requeued
        /// Only dead and cancelled jobs can be retried; it is in this state (nil: unknown job).
        case notRetryable(JobState?)
    }

    /// Re-queues a dead or cancelled job from its first attempt.
    public func retry(jobID: String) async throws -> RetryOutcome {
        let reply = try await call([["pcsq_retry", "1", base, String(JobEnvelope.nowMillis()), jobID]])[0]
        if let message = reply.errorMessage { throw RedisError.server(message) }
        guard let text = reply.string, text != "requeued" else { return .requeued }
        return .notRetryable(JobState(rawValue: String(text.dropFirst("not-retryable:".count))))
    }

    /// The job as the queue keeps it, or nil when it is unknown (never enqueued, or expired).
    public func job(id: String) async throws -> JobRecord? {
        let reply = try await redis.send(["HGETALL", base + ":job:" + id])
        return Self.hash(reply).flatMap { JobRecord(id: id, fields: $0) }
    }

    /// Jobs waiting per lane, delayed (or waiting for a retry), active and dead-lettered.
    public func depth() async throws -> QueueDepth {
        let replies = try await redis.pipeline([
            ["HGETALL", base + ":waiting"], ["ZCARD", base + ":delayed"], ["ZCARD", base + ":active"], ["XLEN", base + ":dead"],
            ["XLEN", base + ":intake"],
        ])
        if let failure = replies.first(where: { $0.errorMessage != nil })?.errorMessage { throw RedisError.server(failure) }
        var waiting = Dictionary(uniqueKeysWithValues: QueueDepth.lanes.map { ($0, 0) })
        for (lane, count) in Self.hash(replies[0]) ?? [:] { waiting[lane] = max(0, Int(count) ?? 0) }
        // Hand-pushed entries not taken in yet wait in the normal lane's place.
        waiting["normal", default: 0] += replies[4].int ?? 0
        return QueueDepth(waiting: waiting, delayed: replies[1].int ?? 0, active: replies[2].int ?? 0, dead: replies[3].int ?? 0)
    }

    // MARK: - Dead letters

    /// A job that will not run again, as the dead-letter stream keeps it.
    public struct DeadLetter: Sendable {
        public var streamID: String
        public var envelope: JobEnvelope?
        public var error: String
    }

    /// Dead letters after `streamID` (exclusive; "0" for the oldest kept), oldest first.
    public func deadLetters(after streamID: String, count: Int = 100) async throws -> [DeadLetter] {
        let start = streamID == "0" ? "-" : "(\(streamID)"
        let reply = try await redis.send(["XRANGE", base + ":dead", start, "+", "COUNT", String(count)])
        return try StreamEntries.parse(reply).map {
            DeadLetter(streamID: $0.id, envelope: try? JobEnvelope(fields: $0.fields), error: $0.fields["error"] ?? "")
        }
    }

    /// How far dead letters have been settled (their cases recorded as errored): a stream id, "0" for none.
    public func settledDeadLetters() async throws -> String {
        try await redis.send(["GET", base + ":dead:settled"]).string ?? "0"
    }

    /// Records that every dead letter up to `streamID` is settled.
    public func markDeadLettersSettled(through streamID: String) async throws {
        _ = try await redis.send(["SET", base + ":dead:settled", streamID])
    }

    // MARK: - Calls

    /// FCALLs in one round trip. Redis without the functions (flushed, or a fresh replica
    /// that took over) gets them loaded again, and the calls are sent once more.
    func call(_ calls: [[String]]) async throws -> [RESPValue] {
        let commands = calls.map { ["FCALL"] + $0 }
        let replies = try await redis.pipeline(commands)
        guard replies.contains(where: { $0.errorMessage?.contains("Function not found") == true }) else { return replies }
        try await prepare()
        return try await redis.pipeline(commands)
    }

    /// A RESP flat field/value array as a dictionary (HGETALL's reply).
    static func hash(_ reply: RESPValue) -> [String: String]? {
        guard let items = reply.array, !items.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for index in stride(from: 0, to: items.count - 1, by: 2) {
            if let key = items[index].string { fields[key] = items[index + 1].string ?? "" }
        }
        return fields
    }
}

/// How much work a queue holds.
public struct QueueDepth: Sendable, Equatable {
    public static let lanes = ["high", "normal", "low"]
    /// Jobs ready to run, per lane (`high`, `normal`, `low`).
    public var waiting: [String: Int]
    /// Jobs not yet due: delayed ones and failed ones waiting for their retry.
    public var delayed: Int
    public var active: Int
    /// Entries in the dead-letter stream (kept up to about 10,000).
    public var dead: Int

    public var totalWaiting: Int { waiting.values.reduce(0, +) }

    public init(waiting: [String: Int], delayed: Int, active: Int, dead: Int) {
        self.waiting = waiting
        self.delayed = delayed
        self.active = active
        self.dead = dead
    }
}

