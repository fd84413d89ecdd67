import Foundation
import Logging
import PostgresNIO
import PromptCards

/// The test cases of a card, in creation order.
public protocol TestCaseRepository: Sendable {
    func create(cardID: UUID, description: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) async throws -> TestCase
    func list(cardID: UUID) async throws -> [TestCase]
}

public struct PostgresTestCaseRepository: TestCaseRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(cardID: UUID, description: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) async throws -> TestCase {
        let testCase = TestCase(id: UUID(), cardID: cardID, description: description, vars: vars, assert: assert,
                                threshold: threshold, createdAt: .now)
        try await client.query("""
            INSERT INTO test_cases (id, card_id, description, vars, assertions, threshold, created_at)
            VALUES (\(testCase.id), \(cardID), \(description), \(try JSONText.encode(vars))::jsonb,
                    \(try JSONText.encode(assert))::jsonb, \(threshold), \(testCase.createdAt))
            """, logger: logger)
        return testCase
    }

    public func list(cardID: UUID) async throws -> [TestCase] {
        let rows = try await client.query("""
            SELECT id, card_id, description, vars::text, assertions::text, threshold, created_at
            FROM test_cases WHERE card_id = \(cardID) ORDER BY created_at, id
            """, logger: logger)
        var cases: [TestCase] = []
        for try await (id, card, description, vars, assertions, threshold, created)
            in rows.decode((UUID, UUID, String, String, String, Double?, Date).self) {
            cases.append(TestCase(
                id: id, cardID: card, description: description,
                vars: try JSONText.decode([String: JSONValue].self, from: vars),
                assert: try JSONText.decode([Assertion].self, from: assertions),
                threshold: threshold, createdAt: created))
        }
        return cases
    }
}
