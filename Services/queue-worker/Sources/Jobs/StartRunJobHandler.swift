import Budgets
import Foundation
import Logging
import Queue
import RunJobs
import Storage

/// `run.start`: starts a run of a stored card with `RunLauncher`, as cards-api does for
/// `POST /cards/{id}/runs`. What would fail again — no such card (or not the job owner's),
/// options out of range, a card without test cases, a run over `MAX_JOBS_PER_RUN` — is
/// unrecoverable; a quota that frees up as runs finish (`MAX_ACTIVE_RUNS_PER_USER`,
/// `MAX_QUEUED_JOBS_PER_USER`) and a queue or database that is down are retried.
struct StartRunJobHandler: JobHandler {
    let cards: any CardRepository
    let launcher: RunLauncher

    private struct Started: Encodable {
        let run_id: String
        let status: String
        let replayed: Bool
    }

    func perform(_ job: JobEnvelope, isLastAttempt: Bool, logger: Logger) async throws -> String {
        let payload = try job.decodePayload(as: StartRunJob.self)
        var owner: UUID?
        if let named = job.owner {
            guard let id = UUID(uuidString: named) else {
                throw JobFailure.unrecoverable("owner \"\(named)\" is not a user id: a run.start job's owner is the card's owner")
            }
            owner = id
        }
        guard let card = try await cards.find(id: payload.cardID, ownerID: owner) else {
            throw JobFailure.unrecoverable("card \(payload.cardID.uuidString.lowercased()) not found"
                                           + (owner == nil ? "" : " among the owner's cards"))
        }
        let options: RunOptions.Resolved
        switch payload.options.resolved(for: card) {
        case .success(let resolved): options = resolved
        case .failure(let problems): throw JobFailure.unrecoverable("invalid payload for \(job.type): \(problems)")
        }
        let launch: RunLauncher.Launch
        do {
            launch = try await launcher.launch(card: card, options: options, owner: card.ownerID,
                                               idempotencyKey: payload.idempotencyKey ?? "job:\(job.id)", logger: logger)
        } catch let exceeded as BudgetExceeded where exceeded.budget.kind != .quota {
            throw JobFailure.unrecoverable(exceeded.reason)
        }
        let (run, replayed): (Run, Bool)
        switch launch {
        case .started(let started): (run, replayed) = (started, false)
        case .replayed(let earlier): (run, replayed) = (earlier, true)
        case .noTestCases: throw JobFailure.unrecoverable("card \(card.id.uuidString.lowercased()) has no test cases")
        }
        logger.info("started a run for a run.start job", metadata: ["run_id": "\(run.id)", "replayed": "\(replayed)"])
        return try JobResult.json(Started(run_id: run.id.uuidString.lowercased(), status: run.status.rawValue,
                                              replayed: replayed))
    }
}
