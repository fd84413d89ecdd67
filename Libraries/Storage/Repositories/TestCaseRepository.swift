import Foundation
import Logging
import PostgresNIO
import PromptCards

/// The test cases of a card, in creation order.
public protocol TestCaseRepository: Sendable {
    /// Creates all or none, in the given order.
    func create(cardID: UUID, _ inputs: [TestCaseContent]) async throws -> [TestCase]
    func list(cardID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<TestCase>
    func find(id: UUID, cardID: UUID) async throws -> TestCase?
    func replace(id: UUID, cardID: UUID, with input: TestCaseContent) async throws -> TestCase?
    func delete(id: UUID, cardID: UUID) async throws -> Bool
}

extension TestCaseRepository {
    public func create(cardID: UUID, description: String, vars: [String: JSONValue], assert: [Assertion], threshold: Double?) async throws -> TestCase {
        try await create(cardID: cardID, [TestCaseContent(description: description, vars: vars, assert: assert, threshold: threshold)])[0]
    }

    /// Every case of the card (for starting a run).
    public func all(cardID: UUID) async throws -> [TestCase] {
        var cases: [TestCase] = []
        var cursor: PageCursor?
        repeat {
            let page = try await list(cardID: cardID, limit: 1000, after: cursor)
            cases += page.items
            cursor = page.nextCursor
        } while cursor != nil
        return cases
    }
}

public struct PostgresTestCaseRepository: TestCaseRepository {
    let client: PostgresClient
    let logger: Logger

    static let columns = "id, card_id, description, vars::text, assertions::text, threshold, created_at, (extract(epoch from created_at) * 1000000)::bigint"

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(cardID: UUID, _ inputs: [TestCaseContent]) async throws -> [TestCase] {
        let logger = self.logger
        // Distinct, increasing timestamps keep a bulk insert in its given order. A millisecond
        // apart (microseconds can collide after Date's floating-point rounding), ending now.
        let base = Date.now.addingTimeInterval(-Double(inputs.count) / 1000)
        let cases = inputs.enumerated().map { index, input in
            TestCase(id: UUID(), cardID: cardID, description: input.description, vars: input.vars, assert: input.assert,
                     threshold: input.threshold, createdAt: base.addingTimeInterval(Double(index + 1) / 1000))
        }
        try await client.withTransaction(logger: logger) { connection in
            for testCase in cases {
                try await connection.query("""
                    INSERT INTO test_cases (id, card_id, description, vars, assertions, threshold, created_at)
                    VALUES (\(testCase.id), \(cardID), \(testCase.description), \(try JSONText.encode(testCase.vars))::jsonb,
                            \(try JSONText.encode(testCase.assert))::jsonb, \(testCase.threshold), \(testCase.createdAt))
                    """, logger: logger)
            }
        }
        return cases
    }

    public func list(cardID: UUID, limit: Int, after cursor: PageCursor?) async throws -> Page<TestCase> {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.columns) FROM test_cases
            WHERE card_id = \(cardID)
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) > (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at, id LIMIT \(limit + 1)
            """, logger: logger)
        return Page(window: try await Self.decode(rows), limit: limit) {
            PageCursor(createdAtMicros: $0.micros, id: $0.testCase.id)
        }.map(\.testCase)
    }

    public func find(id: UUID, cardID: UUID) async throws -> TestCase? {
        try await Self.decode(client.query(
            "SELECT \(unescaped: Self.columns) FROM test_cases WHERE id = \(id) AND card_id = \(cardID)", logger: logger)).first?.testCase
    }

    public func replace(id: UUID, cardID: UUID, with input: TestCaseContent) async throws -> TestCase? {
        try await Self.decode(client.query("""
            UPDATE test_cases SET description = \(input.description), vars = \(try JSONText.encode(input.vars))::jsonb,
                assertions = \(try JSONText.encode(input.assert))::jsonb, threshold = \(input.threshold)
            WHERE id = \(id) AND card_id = \(cardID)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)).first?.testCase
    }

    public func delete(id: UUID, cardID: UUID) async throws -> Bool {
        let rows = try await client.query("DELETE FROM test_cases WHERE id = \(id) AND card_id = \(cardID) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [(testCase: TestCase, micros: Int64)] {
        var cases: [(testCase: TestCase, micros: Int64)] = []
        for try await (id, card, description, vars, assertions, threshold, created, micros)
            in rows.decode((UUID, UUID, String, String, String, Double?, Date, Int64).self) {
            cases.append((TestCase(
                id: id, cardID: card, description: description,
                vars: try JSONText.decode([String: JSONValue].self, from: vars),
                assert: try JSONText.decode([Assertion].self, from: assertions),
                threshold: threshold, createdAt: created), micros))
        }
        return cases
    }
}
