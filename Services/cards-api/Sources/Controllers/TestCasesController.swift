import Foundation
import Hummingbird
import PromptCards
import ServiceKit
import Storage

/// The test cases of a card (`/api/v1/cards/{id}/tests`): CRUD and bulk creation.
struct TestCasesController: Sendable {
    let cards: any CardRepository
    let testCases: any TestCaseRepository
    /// The budgets every test case is held to (see `CardValidation.testCase`).
    let limits: AssertionLimits
    static let maximumBulk = 1000

    struct TestCaseBody: Decodable {
        var description: String?
        var vars: [String: JSONValue]?
        var assert: [Assertion]?
        var threshold: Double?
    }

    struct BulkBody: Decodable {
        var tests: [TestCaseBody]
    }

    func register(on routes: RouterGroup<ServiceRequestContext>) {
        routes.post("/cards/{cardID}/tests", use: create)
        routes.post("/cards/{cardID}/tests/bulk", use: createMany)
        routes.get("/cards/{cardID}/tests", use: list)
        routes.get("/cards/{cardID}/tests/{testID}", use: get)
        routes.put("/cards/{cardID}/tests/{testID}", use: replace)
        routes.delete("/cards/{cardID}/tests/{testID}", use: delete)
    }

    @Sendable func create(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<TestCase> {
        let card = try await cards.owned(by: context)
        let input = try validated(try await request.decodeJSON(as: TestCaseBody.self, context: context), path: "")
        let created = try await testCases.create(cardID: card.id, [input])[0]
        return EditedResponse(status: .created, response: created)
    }

    /// All or nothing: one invalid case rejects the batch, naming `tests[i].…`.
    @Sendable func createMany(_ request: Request, context: ServiceRequestContext) async throws -> EditedResponse<ListResponse<TestCase>> {
        let card = try await cards.owned(by: context)
        let body = try await request.decodeJSON(as: BulkBody.self, context: context)
        guard (1...Self.maximumBulk).contains(body.tests.count) else {
            throw APIError.validation(field: "tests", reason: "must hold 1 to \(Self.maximumBulk) test cases")
        }
        var inputs: [TestCaseContent] = []
        var problems: [ProblemDetails.FieldError] = []
        for (index, test) in body.tests.enumerated() {
            do {
                inputs.append(try validated(test, path: "tests[\(index)]."))
            } catch let error as APIError {
                problems += error.fieldErrors
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        let created = try await testCases.create(cardID: card.id, inputs)
        return EditedResponse(status: .created, response: ListResponse(data: created, nextCursor: nil))
    }

    @Sendable func list(_ request: Request, context: ServiceRequestContext) async throws -> ListResponse<TestCase> {
        let card = try await cards.owned(by: context)
        let (limit, cursor) = try request.pagination()
        return ListResponse(page: try await testCases.list(cardID: card.id, limit: limit, after: cursor))
    }

    @Sendable func get(_ request: Request, context: ServiceRequestContext) async throws -> TestCase {
        let card = try await cards.owned(by: context)
        let id = try context.uuid("testID", resource: "Test case")
        guard let testCase = try await testCases.find(id: id, cardID: card.id) else { throw APIError.notFound("Test case") }
        return testCase
    }

    @Sendable func replace(_ request: Request, context: ServiceRequestContext) async throws -> TestCase {
        let card = try await cards.owned(by: context)
        let id = try context.uuid("testID", resource: "Test case")
        let input = try validated(try await request.decodeJSON(as: TestCaseBody.self, context: context), path: "")
        guard let replaced = try await testCases.replace(id: id, cardID: card.id, with: input) else { throw APIError.notFound("Test case") }
        return replaced
    }

    @Sendable func delete(_ request: Request, context: ServiceRequestContext) async throws -> Response {
        let card = try await cards.owned(by: context)
        let id = try context.uuid("testID", resource: "Test case")
        guard try await testCases.delete(id: id, cardID: card.id) else { throw APIError.notFound("Test case") }
        return Response(status: .noContent)
    }

    /// A request's test case, checked by `CardValidation.testCase`; field paths start with `path`.
    func validated(_ body: TestCaseBody, path: String) throws -> TestCaseContent {
        let content = TestCaseContent(description: body.description ?? "", vars: body.vars ?? [:],
                                      assert: body.assert ?? [], threshold: body.threshold)
        return try CardValidation.testCase(content, path: path, limits: limits)
    }
}
