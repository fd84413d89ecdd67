import Budgets
import Foundation
import Logging
import Queue
import ServiceKit
import ServiceLifecycle
import TracePropagation

/// The worker loops as one lifecycle service: `concurrency` consumers claiming jobs (and,
/// in turn, jobs of dead workers), and a maintenance loop that promotes due retries and
/// settles dead letters. On graceful shutdown the consumers stop claiming, finish the job
/// in hand, and return.
struct WorkerService: Service {
    let queue: JobQueue
    let executor: TestCaseExecutor
    let settler: DeadLetterSettler
    let consumer: String
    let concurrency: Int
    let stallTimeout: Duration
    let limits: QueueWorkerLimits
    let logger: Logger

    /// How often dead letters are settled and done runs finalized.
    var settleInterval: Duration = .seconds(5)

    func run() async throws {
        try await queue.ensureGroup()
        let reclaims = ReclaimSchedule(interval: stallTimeout / 2)
        logger.info("worker started", metadata: ["consumer": "\(consumer)", "concurrency": "\(concurrency)"])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask { await consumeUntilShutdown(reclaims: reclaims) }
            }
            group.addTask { await maintainUntilShutdown() }
        }
        logger.info("worker drained")
    }

    private func consumeUntilShutdown(reclaims: ReclaimSchedule) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if reclaims.claimTurn() {
                    let rescued = try await queue.reclaimStalled(consumer: consumer, minIdle: stallTimeout, count: 1)
                    reclaims.found(!rescued.isEmpty)
                    for job in rescued {
                        logger.info("reclaimed a stalled job", metadata: ["stream_id": "\(job.streamID)"])
                        await handle(job)
                    }
                    if !rescued.isEmpty { continue }
                }
                for job in try await queue.claim(consumer: consumer, count: 1, block: .seconds(1)) {
                    await handle(job)
                }
            } catch {
                logger.warning("claiming jobs failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    private func maintainUntilShutdown() async {
        var lastSettle = ContinuousClock.now - settleInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await queue.promoteDueJobs()
            } catch {
                logger.warning("promoting due jobs failed", metadata: ["error": "\(error)"])
            }
            if ContinuousClock.now - lastSettle >= settleInterval {
                lastSettle = .now
                do {
                    try await settler.settle()
                } catch {
                    logger.warning("settling dead letters failed; retrying", metadata: ["error": "\(String(reflecting: error))"])
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }

    /// Runs one job with a heartbeat that keeps it from being reclaimed while it works.
    func handle(_ job: ClaimedJob) async {
        var logger = self.logger
        logger[metadataKey: "stream_id"] = "\(job.streamID)"
        let envelope: JobEnvelope
        switch job.envelope {
        case .failure(let error):
            logger.error("dead-lettering a malformed job", metadata: ["error": "\(error)"])
            _ = try? await queue.fail(job, error: error.description, retryable: false)
            return
        case .success(let decoded):
            envelope = decoded
        }
        logger[metadataKey: "job_id"] = "\(envelope.id)"
        if let traceID = envelope.traceparent.flatMap(TraceContext.traceID(of:)) { logger[metadataKey: "trace_id"] = "\(traceID)" }
        guard envelope.type == ExecuteTestCaseJob.type,
              let payload = try? JSONDecoder().decode(ExecuteTestCaseJob.self, from: Data(envelope.payload.utf8))
        else {
            logger.error("dead-lettering a job of unknown type or payload", metadata: ["type": "\(envelope.type)"])
            _ = try? await queue.fail(job, error: "unknown job type or invalid payload for \(envelope.type)", retryable: false)
            return
        }
        if job.stalls > limits.maxStalls.limit {
            await endPoisonJob(job, payload: payload, jobID: envelope.id, logger: logger)
            return
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: stallTimeout / 3)
                        try? await queue.extendLease(job, consumer: consumer)
                    }
                }
                let (executor, isLast, jobLogger) = (self.executor, envelope.attempt >= envelope.maxAttempts, logger)
                _ = try await TraceContext.withJobSpan(envelope.type, continuing: envelope.traceparent, jobID: envelope.id) {
                    try await withDeadline(limits.jobDeadline.seconds) {
                        try await executor.execute(payload, jobID: envelope.id, isLastAttempt: isLast, logger: jobLogger)
                    }
                }
                group.cancelAll()
            }
            try await queue.complete(job)
        } catch is DeadlineExceeded {
            // The heartbeat kept the lease; the deadline ends the job. Its case is errored, not
            // retried: a second attempt would most likely hang the same way.
            let reason = limits.jobDeadline.exceeded("the job's work (render, model call, grading)").reason
            logger.warning("job over its deadline", metadata: ["reason": "\(reason)"])
            await finish(job, payload: payload, jobID: envelope.id, erroredWith: reason, logger: logger)
        } catch is CancellationError {
            // The worker is being stopped hard: the job stays unacknowledged and is reclaimed.
            logger.info("job interrupted by shutdown; it will be reclaimed")
        } catch {
            do {
                let outcome = try await queue.fail(job, error: "\(error)")
                logger.warning("job failed", metadata: ["error": "\(error)", "outcome": "\(outcome)"])
            } catch {
                logger.error("could not record a job failure; it will be reclaimed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// A job whose workers kept going silent (each crash or kill while working on it was a
    /// stall): it is dead-lettered rather than handed to yet another worker, and its case is
    /// recorded as errored so its run can finish.
    private func endPoisonJob(_ job: ClaimedJob, payload: ExecuteTestCaseJob, jobID: String, logger: Logger) async {
        let reason = limits.maxStalls.exceeded("the job's stalls (\(job.stalls): its worker stopped each time)").reason
        logger.error("dead-lettering a job that keeps stalling", metadata: ["stalls": "\(job.stalls)"])
        await finish(job, payload: payload, jobID: jobID, erroredWith: reason, deadLetter: true, logger: logger)
    }

    /// Records the job's case as errored, then acknowledges the job (or, with `deadLetter`,
    /// dead-letters it). When Postgres cannot take the record now, the job is dead-lettered
    /// with the reason either way, and the settler records its case once Postgres is back:
    /// the job is over, and leaving it to be reclaimed would only stall it again. Only when
    /// Redis fails too does it stay unacknowledged, to be reclaimed.
    private func finish(_ job: ClaimedJob, payload: ExecuteTestCaseJob, jobID: String, erroredWith reason: String,
                        deadLetter: Bool = false, logger: Logger) async {
        var recorded = false
        do {
            try await executor.recordErrored(payload, jobID: jobID, reason: reason, logger: logger)
            recorded = true
        } catch {
            logger.error("could not record an errored job; its dead letter will be settled",
                         metadata: ["error": "\(error)"])
        }
        do {
            if recorded && !deadLetter {
                try await queue.complete(job)
            } else {
                _ = try await queue.fail(job, error: reason, retryable: false)
            }
        } catch {
            logger.error("could not end a job; it will be reclaimed", metadata: ["error": "\(error)"])
        }
    }
}
