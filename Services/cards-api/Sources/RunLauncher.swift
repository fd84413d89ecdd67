import Foundation
import Logging
import PromptCards
import Queue
import ServiceKit
import Storage

/// Starts a run: stores it as `queued`, announces `run.queued`, then enqueues one job per
/// (test case × model × repeat) in one round trip. The event goes out before the jobs so
/// that no `case.completed` can precede it on the channel.
struct RunLauncher: Sendable {
    let runs: any RunRepository
    let queue: JobQueue
    let events: EventBus
    /// More jobs than this in one run is almost certainly a mistake.
    static let maximumJobs = 10_000

    /// With an idempotency key this owner used before, returns that earlier run and starts nothing.
    func launch(card: Card, cases: [TestCase], models: [String], repeat: Int, concurrency: Int, threshold: Double?,
                owner: UUID, idempotencyKey: String?, logger: Logger) async throws -> Run {
        let total = cases.count * models.count * `repeat`
        guard total <= Self.maximumJobs else {
            throw APIError.validation(field: "repeat", reason: "the run would have \(total) jobs; at most \(Self.maximumJobs) are allowed")
        }
        let candidate = Run.queued(cardID: card.id, ownerID: owner, cardVersion: card.version, models: models,
                                   repeat: `repeat`, concurrency: concurrency, total: total, threshold: threshold)
        let (run, created) = try await runs.create(candidate, idempotencyKey: idempotencyKey)
        guard created else { return run }
        let summary: JSONValue = .object([
            "run_id": .string(run.id.uuidString.lowercased()), "card_id": .string(card.id.uuidString.lowercased()),
            "status": .string(run.status.rawValue), "total": .number(Double(total)),
            "models": .array(models.map { .string($0) }),
        ])
        var jobs: [JobEnvelope] = []
        for testCase in cases {
            for model in models {
                for index in 0..<`repeat` {
                    let job = ExecuteTestCaseJob(runID: run.id, cardID: card.id, testCaseID: testCase.id, model: model,
                                                 repeatIndex: index, template: card.template, vars: testCase.vars,
                                                 assert: testCase.assert, threshold: threshold ?? testCase.threshold)
                    jobs.append(try job.envelope())
                }
            }
        }
        do {
            try await events.publish(channel: EventChannel.run(run.id), type: EventType.runQueued, data: summary)
            try await events.publish(channel: EventChannel.card(card.id), type: EventType.runQueued, data: summary)
            try await queue.enqueue(jobs)
        } catch {
            logger.error("could not enqueue run", metadata: ["run_id": "\(run.id)", "error": "\(error)"])
            _ = try? await runs.cancel(id: run.id, ownerID: nil)
            throw APIError.unavailable("The job queue is unavailable; the run was not started")
        }
        return run
    }
}
