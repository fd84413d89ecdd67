import Foundation
import Logging
import PromptCards
import Queue

/// `test-case.execute`: either a run's case (the payload names its `run_id`), which is
/// recorded in its run, or an ad-hoc case (`AdHocTestCaseJob`), whose graded result is the
/// job's result. A case that cannot be graded — a template error, a budget, a model that
/// refused it, time run out — is still a result, with its `error`: that is a verdict on
/// the case, not a failure of the job.
struct TestCaseJobHandler: JobHandler {
    let executor: TestCaseExecutor

    private enum Payload {
        case run(ExecuteTestCaseJob)
        case adHoc(AdHocTestCaseJob)
    }

    private struct RunReference: Decodable {
        let run_id: JSONValue?
    }

    private func payload(of job: JobEnvelope) throws -> Payload {
        if try job.decodePayload(as: RunReference.self).run_id != nil {
            return .run(try job.decodePayload(as: ExecuteTestCaseJob.self))
        }
        let adHoc = try job.decodePayload(as: AdHocTestCaseJob.self)
        if let problem = problems(of: adHoc).first {
            throw JobFailure.unrecoverable("invalid payload for \(job.type): \(problem)")
        }
        return .adHoc(adHoc)
    }

    /// What would make an ad-hoc case fail whatever the answer, as `field: reason`.
    private func problems(of job: AdHocTestCaseJob) -> [String] {
        var problems: [String] = []
        if job.model.isEmpty { problems.append("model: must name a model") }
        if let threshold = job.threshold, !(0...1).contains(threshold) { problems.append("threshold: must be between 0 and 1") }
        let issues = AssertionEngine.standard.validate(job.assert, limits: executor.evaluator.limits.assertions)
        problems += issues.map { "\($0.field): \($0.reason)" }
        return problems
    }

    func perform(_ job: JobEnvelope, isLastAttempt: Bool, logger: Logger) async throws -> String {
        switch try payload(of: job) {
        case .run(let payload):
            let outcome = try await executor.execute(payload, jobID: job.id, isLastAttempt: isLastAttempt, logger: logger)
            return #"{"outcome":"\#(outcome)"}"#
        case .adHoc(let payload):
            let evaluation = try await executor.evaluator.evaluate(
                .init(template: payload.template, vars: payload.vars, assert: payload.assert,
                      threshold: payload.threshold, model: payload.model),
                requestID: job.id, isLastAttempt: isLastAttempt)
            return try JobResult.json(Self.result(of: evaluation, model: payload.model))
        }
    }

    func overDeadline(_ job: JobEnvelope, reason: String, logger: Logger) async throws -> String {
        switch try payload(of: job) {
        case .run(let payload):
            try await executor.recordErrored(payload, jobID: job.id, reason: reason, logger: logger)
            return #"{"outcome":"errored"}"#
        case .adHoc(let payload):
            let evaluation = CaseEvaluator.Evaluation(prompt: String(payload.template.prefix(1_000)), error: reason)
            return try JobResult.json(Self.result(of: evaluation, model: payload.model))
        }
    }

    func settle(deadLetter job: JobEnvelope, reason: String, logger: Logger) async throws {
        guard case .run(let payload)? = try? payload(of: job) else { return }
        try await executor.recordErrored(payload, jobID: job.id, reason: reason, logger: logger)
    }

    static func result(of evaluation: CaseEvaluator.Evaluation, model: String) -> AdHocTestCaseResult {
        let completion = evaluation.completion
        let graded = evaluation.error == nil ? evaluation.grading : nil
        return AdHocTestCaseResult(
            pass: graded?.pass ?? false, score: graded?.score ?? 0, reason: graded?.reason ?? evaluation.error ?? "",
            prompt: evaluation.prompt, output: completion?.text, model: model, grading: graded, error: evaluation.error,
            latencyMs: completion?.latencyMs, promptTokens: completion?.promptTokens ?? 0,
            completionTokens: completion?.completionTokens ?? 0, cost: completion?.cost)
    }
}
