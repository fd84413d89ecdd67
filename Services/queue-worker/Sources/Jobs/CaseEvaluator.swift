import Budgets
import Foundation
import LLMProxyClient
import PromptCards

/// One test case's work, wherever it comes from (a run's case or an ad-hoc job): renders
/// the prompt, asks the model and grades the answer. A failure that another attempt may
/// cure is thrown (a 429 as `JobFailure.retryLater`, with llm-proxy's `Retry-After`); one
/// that would recur — a template or budget error, or a model that refuses the request
/// (4xx other than 408/429) — is the evaluation's `error`, and so is any failure on the
/// last attempt.
struct CaseEvaluator: Sendable {
    struct Inputs: Sendable {
        var template: String
        var vars: [String: JSONValue]
        var assert: [Assertion]
        var threshold: Double?
        var model: String
    }

    struct Evaluation: Sendable {
        /// The prompt as sent (the template, shortened, when it could not be rendered).
        var prompt: String
        /// The model's answer; nil when there was none.
        var completion: ChatCompletion?
        var grading: GradingResult?
        /// Why the case has no grade; nil when it has one.
        var error: String?
    }

    let llm: LLMProxyClient
    /// The longest answer a test case's model may give, in tokens.
    let maxTokens: Int
    /// Answers the model-graded assertions (`llm-rubric`, `similar`, …) through llm-proxy.
    let grader: any ModelGrader
    let limits: QueueWorkerLimits

    func evaluate(_ inputs: Inputs, requestID: String, isLastAttempt: Bool) async throws -> Evaluation {
        let prompt: String
        do {
            prompt = try PromptTemplate(inputs.template).render(inputs.vars, budget: limits.assertions.renderedValueBytes)
        } catch let error as BudgetExceeded {
            // Over budget is final: another attempt would render the same bomb.
            return Evaluation(prompt: String(inputs.template.prefix(1_000)), error: error.reason)
        } catch {
            return Evaluation(prompt: String(inputs.template.prefix(1_000)), error: "template: \(error)")
        }
        let completion: ChatCompletion
        do {
            let request = ChatCompletionRequest(model: inputs.model, messages: [.user(prompt)], maxTokens: maxTokens)
            completion = try await llm.chat(request, requestID: requestID)
        } catch let failure as LLMCallFailed where failure.retryable && !isLastAttempt {
            if let wait = failure.retryAfter { throw JobFailure.retryLater(failure.description, after: wait) }
            throw failure
        } catch let failure as LLMCallFailed {
            return Evaluation(prompt: prompt, error: failure.description)
        }
        let context = AssertionContext(vars: inputs.vars, prompt: prompt, latencyMs: completion.latencyMs,
                                       cost: completion.cost, finishReason: completion.finishReason)
        do {
            let (grader, assertions, threshold, assertionLimits) = (self.grader, inputs.assert, inputs.threshold, limits.assertions)
            let grading = try await withDeadline(limits.gradingDeadline.seconds) {
                await AssertionEngine.evaluate(output: completion.text, assertions: assertions, threshold: threshold,
                                               context: context, grader: grader, limits: assertionLimits)
            }
            return Evaluation(prompt: prompt, completion: completion, grading: grading)
        } catch is DeadlineExceeded {
            return Evaluation(prompt: prompt, completion: completion,
                              error: limits.gradingDeadline.exceeded("grading the answer").reason)
        }
    }
}
