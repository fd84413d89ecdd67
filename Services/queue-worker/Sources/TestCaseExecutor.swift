import Foundation
import Logging
import PromptCards
import Queue
import Storage

/// Executes one `test-case.execute` job: renders the prompt, asks the model, grades the
/// answer, records the result exactly once and reports progress; finalizes the run when
/// this was its last job.
struct TestCaseExecutor: Sendable {
    enum Outcome: Equatable {
        case recorded
        /// The run is gone, cancelled or finished: the job is dropped.
        case skipped
    }

    let ledger: RunLedger
    let llm: LLMClient
    /// Answers the model-graded assertions (`llm-rubric`, `similar`, …) through llm-proxy.
    let grader: any ModelGrader
    let progress: RunProgressPublisher

    /// - Parameter isLastAttempt: when true, an LLM failure is recorded as an errored
    ///   result (so the run can still finish) instead of being thrown for a retry.
    func execute(_ job: ExecuteTestCaseJob, jobID: String, isLastAttempt: Bool, logger: Logger) async throws -> Outcome {
        guard let status = try await ledger.status(runID: job.runID), status == .queued || status == .running else {
            return .skipped
        }
        if try await ledger.markRunning(runID: job.runID) {
            try await progress.runStarted(job.runID)
        }
        let result: RunResult
        do {
            let prompt = try PromptTemplate(job.template).render(job.vars)
            do {
                let completion = try await llm.complete(model: job.model, prompt: prompt, requestID: jobID)
                let context = AssertionContext(vars: job.vars, prompt: prompt, latencyMs: completion.latencyMs, cost: 0,
                                               finishReason: completion.finishReason)
                let grading = await AssertionEngine.evaluate(output: completion.text, assertions: job.assert,
                                                             threshold: job.threshold, context: context, grader: grader)
                result = RunResult(runID: job.runID, jobID: jobID, testCaseID: job.testCaseID, model: job.model,
                                   repeatIndex: job.repeatIndex, prompt: prompt, output: completion.text, pass: grading.pass,
                                   score: grading.score, reason: grading.reason, grading: grading, error: nil,
                                   latencyMs: completion.latencyMs, promptTokens: completion.promptTokens,
                                   completionTokens: completion.completionTokens, cost: 0)
            } catch let failure as LLMClient.CallFailed where failure.retryable && !isLastAttempt {
                throw failure
            } catch let failure as LLMClient.CallFailed {
                result = errored(job, jobID: jobID, prompt: prompt, error: failure.description)
            }
        } catch let error as TemplateError {
            result = errored(job, jobID: jobID, prompt: job.template, error: "template: \(error)")
        }
        let tally = try await ledger.record(result)
        if tally.inserted {
            try await progress.caseCompleted(result, tally: tally)
        }
        if tally.completed >= tally.total, let final = try await ledger.finalizeIfDone(runID: job.runID) {
            try await progress.runCompleted(final)
            logger.info("run completed", metadata: ["run_id": "\(final.id)", "passed": "\(final.passed)", "total": "\(final.total)"])
        }
        return .recorded
    }

    private func errored(_ job: ExecuteTestCaseJob, jobID: String, prompt: String, error: String) -> RunResult {
        RunResult(runID: job.runID, jobID: jobID, testCaseID: job.testCaseID, model: job.model, repeatIndex: job.repeatIndex,
                  prompt: prompt, output: nil, pass: false, score: 0, reason: error, grading: nil, error: error,
                  latencyMs: nil, promptTokens: 0, completionTokens: 0, cost: 0)
    }
}
