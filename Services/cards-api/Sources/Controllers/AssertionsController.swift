import Foundation
import Hummingbird
import PromptCards
import ServiceKit

/// Trying assertions without a run (`POST /api/v1/assertions/evaluate`): grades a given output
/// exactly as a run would and answers the same `GradingResult` a run stores, so checks can be
/// authored quickly and the engine tested from outside. Model-graded types call llm-proxy.
struct AssertionsController: Sendable {
    /// Answers model-graded assertions.
    let grader: any ModelGrader
    /// The budgets of a test case apply to a request as to a stored test, and bound the work
    /// of grading it (rendered values, schema steps, regex time).
    let limits: AssertionLimits

    /// The request: the output to grade and the assertions, plus what a run would know.
    struct EvaluateRequest: Decodable {
        var output: String
        var assert: [Assertion]
        var vars: [String: JSONValue]?
        var threshold: Double?
        /// The prompt the output answers (`factuality`, `answer-relevance` use it).
        var prompt: String?
        var latencyMs: Int?
        var cost: Double?
        var finishReason: String?
        /// The default grader for model-graded assertions without their own `provider`.
        var provider: JSONValue?

        enum CodingKeys: String, CodingKey {
            case output, assert, vars, threshold, prompt, cost, provider
            case latencyMs = "latency_ms"
            case finishReason = "finish_reason"
        }
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/assertions/evaluate", use: evaluate)
    }

    @Sendable func evaluate(_ request: Request, context: ServiceRequestContext) async throws -> GradingResult {
        _ = try context.requireIdentity()
        let input = try await request.decodeJSON(as: EvaluateRequest.self, context: context)
        guard !input.assert.isEmpty else {
            throw APIError.validation(field: "assert", reason: "must list at least one assertion")
        }
        _ = try CardValidation.testCase(
            TestCaseContent(description: "", vars: input.vars ?? [:], assert: input.assert, threshold: input.threshold),
            path: "", limits: limits)
        try AssertionEngine.standard.checkRendering(input.assert, vars: input.vars ?? [:], limits: limits)
        var problems: [ProblemDetails.FieldError] = []
        if let latency = input.latencyMs, latency < 0 { problems.append(.init(field: "latency_ms", reason: "must be ≥ 0")) }
        if let cost = input.cost, !(cost.isFinite && cost >= 0) { problems.append(.init(field: "cost", reason: "must be a number ≥ 0")) }
        if let provider = input.provider, let reason = GraderProvider.problem(provider) {
            problems.append(.init(field: "provider", reason: reason))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }

        let assertionContext = AssertionContext(vars: input.vars ?? [:], prompt: input.prompt ?? "", latencyMs: input.latencyMs,
                                                cost: input.cost, finishReason: input.finishReason, defaultProvider: input.provider)
        let meter = limits.meter()
        let result = await AssertionEngine.standard.evaluate(output: input.output, assertions: input.assert,
                                                             threshold: input.threshold, context: assertionContext,
                                                             grader: grader, limits: limits, meter: meter)
        // A work budget that ran out leaves the answer incomplete: the problem names it instead.
        if let exceeded = meter.exceeded { throw APIError(exceeded) }
        return result
    }
}

extension GradingResult: ResponseEncodable {}
