import Foundation
import Logging
import PromptCards
import Queue
import ServiceKit
import Storage

/// Starts a run: stores it as `queued` with a snapshot of its inputs (if it fits the
/// admission budgets), announces `run.queued`, then enqueues one small reference job per
/// (test case × model × repeat) in bounded batches. The event goes out before the jobs so
/// that no `case.completed` can precede it on the channel.
struct RunLauncher: Sendable {
    let runs: any RunRepository
    let queue: JobQueue
    let events: EventBus
    let admission: RunAdmission
    /// Jobs per enqueue round trip: memory and Redis pipelines stay small whatever the run's size.
    static let batchSize = 500

    enum Launch {
        case started(Run)
        /// The idempotency key was used before: that run, nothing started.
        case replayed(Run)
        case noTestCases
    }

    func launch(card: Card, models: [String], repeat: Int, concurrency: Int, threshold: Double?,
                owner: UUID, idempotencyKey: String?, logger: Logger) async throws -> Launch {
        let candidate = Run.queued(cardID: card.id, ownerID: owner, cardVersion: card.version, models: models,
                                   repeat: `repeat`, concurrency: concurrency, total: 0, threshold: threshold)
        let run: Run
        switch try await runs.create(candidate, template: card.template, idempotencyKey: idempotencyKey,
                                     admission: admission) {
        case .existing(let earlier): return .replayed(earlier)
        case .noTestCases: return .noTestCases
        case .created(let created): run = created
        }
        let summary: JSONValue = .object([
            "run_id": .string(run.id.uuidString.lowercased()), "card_id": .string(card.id.uuidString.lowercased()),
            "status": .string(run.status.rawValue), "total": .number(Double(run.total)),
            "models": .array(models.map { .string($0) }),
        ])
        do {
            try await events.publish(channel: EventChannel.run(run.id), type: EventType.runQueued, data: summary)
            try await events.publish(channel: EventChannel.card(card.id), type: EventType.runQueued, data: summary)
            try await enqueueJobs(of: run)
        } catch {
            logger.error("could not enqueue run", metadata: ["run_id": "\(run.id)", "error": "\(error)"])
            _ = try? await runs.cancel(id: run.id, ownerID: nil)
            throw APIError.unavailable("The job queue is unavailable; the run was not started")
        }
        return .started(run)
    }

    /// Pages through the run's snapshotted test cases and enqueues their jobs a batch at a time.
    private func enqueueJobs(of run: Run) async throws {
        let jobsPerCase = run.models.count * run.repeat
        let casesPerBatch = max(1, Self.batchSize / max(jobsPerCase, 1))
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
                        jobs.append(try job.envelope())
                    }
                }
            }
            try await queue.enqueue(jobs)
            position = last.position
        }
    }
}
