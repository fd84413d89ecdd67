import Budgets
import Foundation
import Logging
import Queue
import RedisClient
import ServiceKit
import ServiceLifecycle
import TracePropagation

/// The worker loops as one lifecycle service: `concurrency` consumers, each claiming a job
/// and running it under a lease its heartbeat extends, and a maintenance loop that keeps the
/// queue moving while every consumer is busy (intake, due retries, dead workers' jobs) and
/// settles dead letters. A running job is stopped when it is cancelled (`CancelListener`).
/// On graceful shutdown the consumers stop claiming and finish the job in hand, or hand it
/// back to the queue after `shutdownGrace`, so no job waits for a lease to run out.
struct WorkerService: Service {
    let queue: JobQueue
    /// What each job type does; a job of a type not here is dead-lettered.
    let handlers: [String: any JobHandler]
    let settler: DeadLetterSettler
    let consumer: String
    let concurrency: Int
    let stallTimeout: Duration
    let shutdownGrace: Duration
    let limits: QueueWorkerLimits
    let inFlight: InFlightJobs
    /// The client the cancel listener makes its subscriber from.
    let cancelListenerRedis: RedisClient
    let logger: Logger

    /// How often dead letters are settled and done runs finalized.
    var settleInterval: Duration = .seconds(5)

    func run() async throws {
        try await prepareQueue()
        logger.info("worker started", metadata: ["consumer": "\(consumer)", "concurrency": "\(concurrency)"])
        let listener = CancelListener(queue: queue, redis: cancelListenerRedis, inFlight: inFlight, logger: logger)
        await withTaskGroup(of: Void.self) { outer in
            outer.addTask { await listener.run() }
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask { await consumeUntilShutdown() }
                }
                group.addTask { await maintainUntilShutdown() }
            }
            outer.cancelAll()
        }
        logger.info("worker drained")
    }

    /// Loads the queue's functions, waiting for Redis if it is not up yet.
    private func prepareQueue() async throws {
        var delay = Duration.milliseconds(200)
        while true {
            do {
                return try await queue.prepare()
            } catch {
                guard !Task.isShuttingDownGracefully && !Task.isCancelled else { throw error }
                logger.warning("loading the queue functions failed; retrying", metadata: ["error": "\(error)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    private func consumeUntilShutdown() async {
        let request = JobQueue.ClaimRequest(worker: consumer, count: 1, lease: stallTimeout, maxStalls: limits.maxStalls.limit)
        // A job claimed together with the completion of the one before (one round trip per job).
        var next: [ClaimedJob] = []
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if next.isEmpty {
                    next = try await queue.claim(request)
                    if next.isEmpty {
                        try await queue.waitForWork(timeout: .seconds(1))
                        continue
                    }
                }
                let job = next.removeFirst()
                let more = next.isEmpty && !Task.isShuttingDownGracefully ? request : nil
                next += await handle(job, thenClaim: more)
            } catch RedisError.closed {
                return  // the daemon is stopping
            } catch {
                logger.warning("claiming jobs failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        // Claimed as shutdown began: back to the queue for another worker, at once.
        for job in next { _ = try? await queue.release(job) }
    }

    private func maintainUntilShutdown() async {
        var lastSettle = ContinuousClock.now - settleInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                // Claims nothing: takes in intake entries, promotes due jobs and reclaims
                // expired leases, which consumers otherwise do only when they are free.
                _ = try await queue.claim(worker: consumer, count: 0, lease: stallTimeout, maxStalls: limits.maxStalls.limit)
                QueueMetrics(queue: queue).record(try await queue.depth())
            } catch {
                logger.warning("queue upkeep failed", metadata: ["error": "\(error)"])
            }
            if ContinuousClock.now - lastSettle >= settleInterval {
                lastSettle = .now
                do {
                    // Less often than the depth: it looks at up to 1,000 groups' heads.
                    QueueMetrics(queue: queue).record(try await queue.stats())
                } catch {
                    logger.warning("reading the queue's stats failed", metadata: ["error": "\(error)"])
                }
                do {
                    try await settler.settle()
                } catch {
                    logger.warning("settling dead letters failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The lease was lost: the job went to another worker, which now decides its fate.
    struct LeaseLost: Error {}
    /// The job was cancelled while it ran.
    struct Stopped: Error {}
    /// The worker is shutting down and the job did not finish within the grace.
    struct HandBack: Error {}

    /// Runs one job with a heartbeat that keeps its lease. Returns the jobs claimed with its
    /// completion (`thenClaim`), if any.
    func handle(_ job: ClaimedJob, thenClaim next: JobQueue.ClaimRequest? = nil) async -> [ClaimedJob] {
        let started = ContinuousClock.now
        var outcome = "failed"
        defer {
            QueueMetrics.jobEnded(type: (try? job.envelope.get().type) ?? "malformed", outcome: outcome,
                                  after: ContinuousClock.now - started)
        }
        var logger = self.logger
        logger[metadataKey: "job_id"] = "\(job.id)"
        let envelope: JobEnvelope
        switch job.envelope {
        case .failure(let error):
            logger.error("dead-lettering a malformed job", metadata: ["error": "\(error)"])
            _ = try? await queue.fail(job, error: error.description, disposition: .dead)
            return []
        case .success(let decoded):
            envelope = decoded
        }
        if let traceID = envelope.traceparent.flatMap(TraceContext.traceID(of:)) { logger[metadataKey: "trace_id"] = "\(traceID)" }
        guard let handler = handlers[envelope.type] else {
            logger.error("dead-lettering a job of unknown type", metadata: ["type": "\(envelope.type)"])
            _ = try? await queue.fail(job, error: "unknown job type \(envelope.type)", disposition: .dead)
            return []
        }
        let stop = inFlight.track(job.id)
        defer { inFlight.forget(job.id) }
        do {
            let result = try await withThrowingTaskGroup(of: String?.self) { group in
                group.addTask {
                    try await stop.wait()
                    throw Stopped()
                }
                group.addTask { [shutdownGrace] in
                    try await gracefulShutdown()
                    try await Task.sleep(for: shutdownGrace)
                    throw HandBack()
                }
                group.addTask { [queue, stallTimeout] in
                    while true {
                        try await Task.sleep(for: stallTimeout / 3)
                        if let lost = try? await queue.extendLeases([job], lease: stallTimeout), lost.contains(job.id) {
                            throw LeaseLost()
                        }
                    }
                }
                let (isLast, jobLogger) = (envelope.attempt >= envelope.maxAttempts, logger)
                group.addTask {
                    try await TraceContext.withJobSpan(envelope.type, continuing: envelope.traceparent, jobID: envelope.id) {
                        try await withDeadline(limits.jobDeadline.seconds) {
                            try await handler.perform(envelope, isLastAttempt: isLast, logger: jobLogger)
                        }
                    }
                }
                defer { group.cancelAll() }
                while let finished = try await group.next() {
                    if let finished { return finished }
                }
                throw CancellationError()
            }
            let done = try await queue.complete(job, result: result, thenClaim: next)
            outcome = "completed"
            return done.next
        } catch is DeadlineExceeded {
            outcome = "deadline"
            // The heartbeat kept the lease; the deadline ends the job. It is not retried: a
            // second attempt would most likely hang the same way.
            let reason = limits.jobDeadline.exceeded("the job's work (render, model call, grading)").reason
            logger.warning("job over its deadline", metadata: ["reason": "\(reason)"])
            await finish(job, envelope, handler: handler, overDeadline: reason, logger: logger)
        } catch is Stopped {
            outcome = "cancelled"
            logger.info("job stopped: it was cancelled")
            _ = try? await queue.fail(job, error: "cancelled while it ran", disposition: .cancelled)
        } catch is HandBack {
            outcome = "handed_back"
            let state = try? await queue.release(job)
            logger.info("job handed back at shutdown", metadata: ["state": "\(state.map(\.rawValue) ?? "lost")"])
        } catch is LeaseLost {
            logger.warning("job's lease was lost (it was reclaimed); dropping it")
        } catch is CancellationError {
            // The worker is being stopped hard: the job's lease runs out and it is reclaimed.
            logger.info("job interrupted by shutdown; it will be reclaimed")
        } catch {
            let disposition: JobQueue.Disposition
            let backoff = envelope.backoff.delay(afterAttempt: envelope.attempt)
            switch error as? JobFailure {
            case .unrecoverable?:
                disposition = .dead
            case .retryLater(_, let after)?:
                // "Not now" is not a failure of the job: it waits as long as it was asked
                // (never less than a second, so a 0 cannot spin), its attempts untouched.
                disposition = .deferred(afterMilliseconds: max(1000, after.milliseconds))
            case nil:
                disposition = .retry(afterMilliseconds: backoff)
            }
            do {
                let state = try await queue.fail(job, error: "\(error)", disposition: disposition)
                logger.warning("job failed", metadata: ["error": "\(error)", "state": "\(state.map(\.rawValue) ?? "lost")"])
            } catch {
                logger.error("could not record a job failure; it will be reclaimed", metadata: ["error": "\(error)"])
            }
        }
        return []
    }

    /// Completes a job that ran out of time with what its handler makes of that (a run's
    /// case errored). When that cannot be done now (Postgres is down), the job is
    /// dead-lettered with the reason instead, and the settler makes it good once Postgres is
    /// back: the job is over, and leaving it to be reclaimed would only stall it again. Only
    /// when Redis fails too does it stay unfinished, to be reclaimed.
    private func finish(_ job: ClaimedJob, _ envelope: JobEnvelope, handler: any JobHandler, overDeadline reason: String,
                        logger: Logger) async {
        var result: String?
        do {
            result = try await handler.overDeadline(envelope, reason: reason, logger: logger)
        } catch {
            logger.error("could not record a job over its deadline; its dead letter will be settled",
                         metadata: ["error": "\(error)"])
        }
        do {
            if let result {
                try await queue.complete(job, result: result)
            } else {
                _ = try await queue.fail(job, error: reason, disposition: .dead)
            }
        } catch {
            logger.error("could not end a job; it will be reclaimed", metadata: ["error": "\(error)"])
        }
    }
}
