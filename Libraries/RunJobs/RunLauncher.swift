import Foundation
import Logging
import PromptCards
import Queue
import Storage
import TracePropagation

/// Starts a run: stores it as `queued` with a snapshot of its inputs (if it fits the
/// admission budgets) and its `run.queued` event in the outbox, in one transaction; then
/// enqueues one small reference job per (test case × model × repeat) in bounded batches.
/// The event is committed before any job exists, so no `case.completed` can precede it.
/// If the jobs cannot be enqueued the run ends `failed`, with the reason, never `queued` forever.
/// cards-api launches runs for `POST /cards/{id}/runs`, queue-worker for `run.start` jobs.
public struct RunLauncher: Sendable {
    let store: RunStore
    let runs: any RunRepository
    let queue: JobQueue
    let admission: RunAdmission
    /// Jobs per enqueue round trip: memory and Redis pipelines stay small whatever the run's size.
    static let batchSize = 500

    public init(store: RunStore, runs: any RunRepository, queue: JobQueue, admission: RunAdmission) {
        self.store = store
        self.runs = runs
        self.queue = queue
        self.admission = admission
    }

    /// The run's jobs could not be enqueued (Redis is down): the run is `failed` with the reason.
    public struct QueueUnavailable: Error, CustomStringConvertible {
        public var description: String { "the job queue is unavailable; the run was not started" }
    }

    public enum Launch: Sendable {
        case started(Run)
        /// The idempotency key was used before: that run, nothing started.
        case replayed(Run)
        case noTestCases
    }

    public func launch(card: Card, options: RunOptions.Resolved, owner: UUID, idempotencyKey: String?,
                       logger: Logger) async throws -> Launch {
        let candidate = Run.queued(cardID: card.id, ownerID: owner, cardVersion: card.version, models: options.models,
                                   repeat: options.repeat, concurrency: options.concurrency, total: 0,
                                   threshold: options.threshold, webhookURL: options.webhookURL)
        let run: Run
        switch try await store.create(candidate, template: card.template, idempotencyKey: idempotencyKey,
                                     admission: admission) {
        case .existing(let earlier): return .replayed(earlier)
        case .noTestCases: return .noTestCases
        case .created(let created): run = created
        }
        do {
            try await enqueueJobs(of: run)
        } catch {
            logger.error("could not enqueue run", metadata: ["run_id": "\(run.id)", "error": "\(error)"])
            _ = try? await store.fail(runID: run.id, reason: "its jobs could not be enqueued: the job queue was unavailable")
            throw QueueUnavailable()
        }
        return .started(run)
    }

    /// Takes a cancelled run's jobs out of the queue: those waiting are cancelled there, and
    /// those running are told to stop. Best effort: a worker that gets one anyway finds the
    /// run cancelled and drops it.
    public func withdrawJobs(of run: Run, logger: Logger) async {
        do {
            let (cancelled, cancelling) = try await queue.cancelGroup(ExecuteTestCaseJob.group(ofRun: run.id),
                                                                      reason: "its run was cancelled")
            logger.info("withdrew a cancelled run's jobs", metadata: [
                "run_id": "\(run.id)", "cancelled": "\(cancelled)", "cancelling": "\(cancelling)"])
        } catch {
            logger.warning("could not withdraw a cancelled run's jobs; workers will drop them",
                           metadata: ["run_id": "\(run.id)", "error": "\(error)"])
        }
    }

    /// Pages through the run's snapshotted test cases and enqueues their jobs a batch at a time.
    private func enqueueJobs(of run: Run) async throws {
        let jobsPerCase = run.models.count * run.repeat
        let casesPerBatch = max(1, Self.batchSize / max(jobsPerCase, 1))
        // Each job carries the request's trace, so its work (and its model call) joins it.
        let traceparent = TraceContext.currentTraceparent()
        var position = -1
        while true {
            let page = try await runs.snapshotCaseIDs(runID: run.id, after: position, limit: casesPerBatch)
            guard let last = page.last else { return }
            var jobs: [JobEnvelope] = []
            jobs.reserveCapacity(page.count * jobsPerCase)
            for (_, testCaseID) in page {
                for model in run.models {
                    for index in 0..<run.repeat {
                        let job = ExecuteTestCaseJob(runID: run.id, cardID: run.cardID, testCaseID: testCaseID,
                                                     model: model, repeatIndex: index)
                        jobs.append(try job.envelope(owner: run.ownerID, concurrency: run.concurrency, traceparent: traceparent))
                    }
                }
            }
            try await queue.enqueue(jobs)
            position = last.position
        }
    }
}
