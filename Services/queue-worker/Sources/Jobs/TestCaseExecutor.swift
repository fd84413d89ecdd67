import Foundation
import Logging
import PromptCards
import Queue
import Storage

/// Executes one `test-case.execute` job: renders the prompt, asks the model, grades the
/// answer and records the result exactly once. `RunStore` announces the progress and, when
/// this was the run's last job, finalizes the run, in the transaction that records it.
struct TestCaseExecutor: Sendable {
    enum Outcome: Equatable {
        case recorded
        /// A redelivered job whose result was already stored: no model call, nothing new.
        case alreadyRecorded
        /// The run is gone, cancelled or finished: the job is dropped.
        case skipped
    }

    let runs: RunStore
    let evaluator: CaseEvaluator

    /// - Parameter isLastAttempt: when true, an LLM failure is recorded as an errored
    ///   result (so the run can still finish) instead of being thrown for a retry.
    func execute(_ job: ExecuteTestCaseJob, jobID: String, isLastAttempt: Bool, logger: Logger) async throws -> Outcome {
        guard let state = try await runs.caseState(runID: job.runID, jobID: jobID), !state.status.isFinal else {
            return .skipped
        }
        // Checked before the model is called: a redelivery (a worker died after recording)
        // must not pay for a second answer, only make sure the run gets finalized.
        if state.recorded {
            try await finalizeIfDone(runID: job.runID, logger: logger)
            return .alreadyRecorded
        }
        guard let inputs = try await inputs(of: job) else { return .skipped }
        // Only a run's first cases find it queued; the others need not try.
        if state.status == .queued { try await runs.start(runID: job.runID) }
        let result = try await run(job, inputs: inputs, jobID: jobID, isLastAttempt: isLastAttempt)
        try await store(result, logger: logger)
        return .recorded
    }

    /// Records the job's case as errored with `reason` (it ran out of time, or it kept
    /// killing its workers), so that its run still finishes. Harmless if a result exists.
    func recordErrored(_ job: ExecuteTestCaseJob, jobID: String, reason: String, logger: Logger) async throws {
        guard let state = try await runs.caseState(runID: job.runID, jobID: jobID), !state.status.isFinal else { return }
        if state.recorded {
            try await finalizeIfDone(runID: job.runID, logger: logger)
            return
        }
        let prompt = try await inputs(of: job)?.template ?? ""
        try await store(errored(job, jobID: jobID, prompt: prompt, error: reason), logger: logger)
    }

    /// The job's own inputs, or those its run stored; nil when the run or the case is gone.
    private func inputs(of job: ExecuteTestCaseJob) async throws -> ExecuteTestCaseJob.Inline? {
        if let inline = job.inline { return inline }
        guard let snapshot = try await runs.inputs(runID: job.runID, testCaseID: job.testCaseID) else { return nil }
        return .init(template: snapshot.template, vars: snapshot.vars, assert: snapshot.assert, threshold: snapshot.threshold)
    }

    /// The case's result: its grade, or its error (with the answer, if there was one).
    private func run(_ job: ExecuteTestCaseJob, inputs: ExecuteTestCaseJob.Inline, jobID: String,
                     isLastAttempt: Bool) async throws -> RunResult {
        let evaluation = try await evaluator.evaluate(
            .init(template: inputs.template, vars: inputs.vars, assert: inputs.assert, threshold: inputs.threshold,
                  model: job.model),
            requestID: jobID, isLastAttempt: isLastAttempt)
        let completion = evaluation.completion
        guard let grading = evaluation.grading, evaluation.error == nil else {
            var result = errored(job, jobID: jobID, prompt: evaluation.prompt, error: evaluation.error ?? "no grade")
            result.output = completion?.text
            return result
        }
        return RunResult(runID: job.runID, jobID: jobID, testCaseID: job.testCaseID, model: job.model,
                         repeatIndex: job.repeatIndex, prompt: evaluation.prompt, output: completion?.text,
                         pass: grading.pass, score: grading.score, reason: grading.reason, grading: grading, error: nil,
                         latencyMs: completion?.latencyMs, promptTokens: completion?.promptTokens ?? 0,
                         completionTokens: completion?.completionTokens ?? 0, cost: completion?.cost ?? 0)
    }

    private func store(_ result: RunResult, logger: Logger) async throws {
        guard let progress = try await runs.record(result) else { return }
        if let final = progress.finished {
            logCompleted(final, logger: logger)
        } else if !progress.inserted && progress.completed >= progress.total {
            try await finalizeIfDone(runID: result.runID, logger: logger)
        }
    }

    private func finalizeIfDone(runID: UUID, logger: Logger) async throws {
        guard let final = try await runs.finalizeIfDone(runID: runID) else { return }
        logCompleted(final, logger: logger)
    }

    private func logCompleted(_ run: Run, logger: Logger) {
        logger.info("run completed", metadata: ["run_id": "\(run.id)", "passed": "\(run.passed)", "total": "\(run.total)"])
    }

    private func errored(_ job: ExecuteTestCaseJob, jobID: String, prompt: String, error: String) -> RunResult {
        RunResult(runID: job.runID, jobID: jobID, testCaseID: job.testCaseID, model: job.model, repeatIndex: job.repeatIndex,
                  prompt: prompt, output: nil, pass: false, score: 0, reason: error, grading: nil, error: error,
                  latencyMs: nil, promptTokens: 0, completionTokens: 0, cost: 0)
    }
}
