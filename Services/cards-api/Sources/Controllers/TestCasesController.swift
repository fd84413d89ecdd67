import Foundation
import Hummingbird
import PromptCards
import ServiceKit
import Storage

/// The test cases of a card (`/api/v1/cards/{id}/tests`).
struct TestCasesController: Sendable {
    let cards: any CardRepository
    let testCases: any TestCaseRepository

    struct CreateTestCase: Decodable {
        var description: String?
        var vars: [String: JSONValue]?
        var assert: [Assertion]?
        var threshold: Double?
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards/{cardID}/tests", use: create)
        routes.get("/cards/{cardID}/tests", use: list)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<TestCase> {
        let card = try await ownedCard(context)
        let input = try await request.decodeJSON(as: CreateTestCase.self, context: context)
        let assertions = input.assert ?? []
        var problems = AssertionEngine.validate(assertions).map { ProblemDetails.FieldError(field: $0.field, reason: $0.reason) }
        if assertions.count > 100 { problems.append(.init(field: "assert", reason: "must have at most 100 assertions")) }
        if let threshold = input.threshold, !(0...1).contains(threshold) {
            problems.append(.init(field: "threshold", reason: "must be between 0 and 1"))
        }
        if (input.description?.count ?? 0) > 2000 { problems.append(.init(field: "description", reason: "must be at most 2000 characters")) }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let testCase = try await testCases.create(cardID: card.id, description: input.description ?? "", vars: input.vars ?? [:],
                                                  assert: assertions, threshold: input.threshold)
        return EditedResponse(status: .created, response: testCase)
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<TestCase> {
        let card = try await ownedCard(context)
        return ListResponse(data: try await testCases.list(cardID: card.id), nextCursor: nil)
    }

    private func ownedCard(_ context: ServiceRequestContext) async throws -> Card {
        let id = try context.uuid("cardID", resource: "Card")
        guard let card = try await cards.find(id: id, ownerID: try context.ownerScope()) else { throw APIError.notFound("Card") }
        return card
    }
}
