import Foundation
import Logging
import Queue
import Storage

/// Keeps runs from staying `running` forever. A job dead-letters without a result when its
/// last attempt could not reach Postgres (or kept killing its workers): the settler hands
/// each dead letter to its type's handler (`JobHandler.settle`), which for a run's case
/// records it as errored once Postgres answers again, so its run still counts to its total
/// and completes. Then it finalizes any unfinished run whose results are all in. Every
/// worker runs it; settling is idempotent (a case's job id is its result's key), so two
/// settling the same letter at once store one result.
struct DeadLetterSettler: Sendable {
    let queue: JobQueue
    let handlers: [String: any JobHandler]
    let runs: RunStore
    let logger: Logger

    /// One pass: settles what is new in the dead-letter stream, then finalizes done runs.
    func settle() async throws {
        var cursor = try await queue.settledDeadLetters()
        while true {
            let letters = try await queue.deadLetters(after: cursor, count: 100)
            guard let last = letters.last else { break }
            for letter in letters {
                try await settle(letter)
            }
            try await queue.markDeadLettersSettled(through: last.streamID)
            cursor = last.streamID
        }
        for run in try await runs.finalizeAllDone() {
            logger.info("finalized a run whose last job had ended without completing it", metadata: ["run_id": "\(run.id)"])
        }
    }

    private func settle(_ letter: JobQueue.DeadLetter) async throws {
        guard let envelope = letter.envelope, let handler = handlers[envelope.type] else { return }
        let reason = "the job ended without a result after \(envelope.attempt) attempt(s): \(letter.error)"
        try await handler.settle(deadLetter: envelope, reason: String(reason.prefix(2000)), logger: logger)
    }
}
