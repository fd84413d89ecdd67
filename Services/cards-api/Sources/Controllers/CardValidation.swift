import Foundation
import PromptCards
import RunJobs
import ServiceKit

/// The rules every card write obeys, for creation and updates alike.
enum CardValidation {
    static func title(_ raw: String, into problems: inout [ProblemDetails.FieldError]) -> String {
        let title = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...200).contains(title.count) { problems.append(.init(field: "title", reason: "must be 1 to 200 characters")) }
        return title
    }

    static func description(_ description: String, into problems: inout [ProblemDetails.FieldError]) {
        if description.count > 10_000 { problems.append(.init(field: "description", reason: "must be at most 10000 characters")) }
    }

    /// The template's variables, or nil (with a problem recorded) when it does not parse.
    static func template(_ template: String, into problems: inout [ProblemDetails.FieldError]) -> [String]? {
        if template.count > 100_000 {
            problems.append(.init(field: "template", reason: "must be at most 100000 characters"))
            return nil
        }
        if template.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(.init(field: "template", reason: "must not be empty"))
            return nil
        }
        do {
            return try PromptTemplate(template).variables
        } catch {
            problems.append(.init(field: "template", reason: String(describing: error)))
            return nil
        }
    }

    static func tags(_ raw: [String], into problems: inout [ProblemDetails.FieldError]) -> [String] {
        let tags = raw.map { $0.trimmingCharacters(in: .whitespaces) }
        if tags.count > 20 { problems.append(.init(field: "tags", reason: "must have at most 20 tags")) }
        for (index, tag) in tags.enumerated() where !(1...50).contains(tag.count) {
            problems.append(.init(field: "tags[\(index)]", reason: "must be 1 to 50 characters"))
        }
        return tags
    }

    /// Model names for runs: 1–200 characters each, at most 10, no repeats.
    static func models(_ raw: [String], field: String, into problems: inout [ProblemDetails.FieldError]) -> [String] {
        var found: [RunOptions.Problem] = []
        let models = RunOptions.models(raw, field: field, into: &found)
        problems += found.map { .init(field: $0.field, reason: $0.reason) }
        return models
    }

    /// A webhook URL, if one is given (`""`, which removes one, is not checked).
    static func webhookURL(_ raw: String?, field: String = "webhook_url", into problems: inout [ProblemDetails.FieldError]) {
        guard let raw, !raw.isEmpty, let reason = WebhookURL.problem(raw) else { return }
        problems.append(.init(field: field, reason: reason))
    }

    /// The one check every test case passes before it is stored, whichever way it comes (the
    /// tests API, bulk creation, a promptfoo import): its assertions against the engine's
    /// vocabulary, within `limits`' shape budgets (counted through every assert-set), and its
    /// own fields. Field paths start with `path` (`tests[2].`). A budget gone over throws the
    /// `BudgetExceeded` (answered as the 4xx naming the limit); other problems throw one 400
    /// listing them all.
    static func testCase(_ content: TestCaseContent, path: String, limits: AssertionLimits,
                         engine: AssertionEngine = .standard) throws -> TestCaseContent {
        try engine.checkLimits(content.assert, limits: limits, fieldPrefix: path + "assert")
        let issues = engine.validate(content.assert, fieldPrefix: path + "assert", limits: limits)
        if let exceeded = issues.lazy.compactMap(\.exceeded).first { throw exceeded }
        var problems = issues.map { ProblemDetails.FieldError(field: $0.field, reason: $0.reason) }
        if let threshold = content.threshold, !(0...1).contains(threshold) {
            problems.append(.init(field: path + "threshold", reason: "must be between 0 and 1"))
        }
        if content.description.count > 2000 {
            problems.append(.init(field: path + "description", reason: "must be at most 2000 characters"))
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        return content
    }
}
