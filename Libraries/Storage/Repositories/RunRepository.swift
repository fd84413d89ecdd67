import Budgets
import Foundation
import Logging
import PostgresNIO
import PromptCards

/// Runs and their results as the API reads them. Every change of a run goes through `RunStore`.
public protocol RunRepository: Sendable {
    /// The test cases a run snapshotted, `limit` at a time in their order, after `position`.
    func snapshotCaseIDs(runID: UUID, after position: Int, limit: Int) async throws -> [(position: Int, testCaseID: UUID)]
    func find(id: UUID, ownerID: UUID?) async throws -> Run?
    func list(_ filter: RunFilter, limit: Int, after cursor: PageCursor?) async throws -> Page<Run>
    /// Results in execution order; `passed` filters on the outcome.
    func results(runID: UUID, passed: Bool?, limit: Int, after cursor: PageCursor?) async throws -> Page<RunResult>
    /// Deletes the run and its results; its remaining jobs are skipped by the workers.
    func delete(id: UUID, ownerID: UUID?) async throws -> Bool
}

extension RunRepository {
    /// Every result of a run.
    public func results(runID: UUID) async throws -> [RunResult] {
        try await results(runID: runID, passed: nil, limit: 100_000, after: nil).items
    }
}

public struct PostgresRunRepository: RunRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func snapshotCaseIDs(runID: UUID, after position: Int, limit: Int) async throws
        -> [(position: Int, testCaseID: UUID)] {
        var ids: [(position: Int, testCaseID: UUID)] = []
        let rows = try await client.query("""
            SELECT position, test_case_id FROM run_cases WHERE run_id = \(runID) AND position > \(position)
            ORDER BY position LIMIT \(limit)
            """, logger: logger)
        for try await (position, id) in rows.decode((Int, UUID).self) { ids.append((position, id)) }
        return ids
    }

    public func list(_ filter: RunFilter, limit: Int, after cursor: PageCursor?) async throws -> Page<Run> {
        let rows = try await client.query("""
            SELECT \(unescaped: RunRow.columns), (extract(epoch from created_at) * 1000000)::bigint FROM runs
            WHERE (\(filter.ownerID)::uuid IS NULL OR owner_id = \(filter.ownerID))
              AND (\(filter.cardID)::uuid IS NULL OR card_id = \(filter.cardID))
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
              AND (\(filter.model)::text IS NULL OR \(filter.model) = ANY (models))
              AND (\(filter.createdFrom)::timestamptz IS NULL OR created_at >= \(filter.createdFrom))
              AND (\(filter.createdBefore)::timestamptz IS NULL OR created_at < \(filter.createdBefore))
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) < (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at DESC, id DESC LIMIT \(limit + 1)
            """, logger: logger)
        return Page(window: try await RunRow.decodeWithMicros(rows), limit: limit) {
            PageCursor(createdAtMicros: $0.micros, id: $0.run.id)
        }.map(\.run)
    }

    public func delete(id: UUID, ownerID: UUID?) async throws -> Bool {
        let rows = try await client.query(
            "DELETE FROM runs WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID)) RETURNING id", logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    public func find(id: UUID, ownerID: UUID?) async throws -> Run? {
        let rows = try await client.query("""
            SELECT \(unescaped: RunRow.columns) FROM runs WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
            """, logger: logger)
        return try await RunRow.decode(rows).first
    }

    public func results(runID: UUID, passed: Bool?, limit: Int, after cursor: PageCursor?) async throws -> Page<RunResult> {
        let rows = try await client.query("""
            SELECT id, run_id, job_id, test_case_id, model, repeat_index, prompt, output, pass, score, reason, grading::text,
                   error, latency_ms, prompt_tokens, completion_tokens, cost, created_at,
                   (extract(epoch from created_at) * 1000000)::bigint
            FROM results WHERE run_id = \(runID) AND (\(passed)::boolean IS NULL OR pass = \(passed))
              AND (\(cursor?.createdAtMicros)::bigint IS NULL
                   OR (created_at, id) > (timestamptz 'epoch' + \(cursor?.createdAtMicros)::bigint * interval '1 microsecond', \(cursor?.id)::uuid))
            ORDER BY created_at, id LIMIT \(limit + 1)
            """, logger: logger)
        var results: [(result: RunResult, micros: Int64)] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            results.append((RunResult(
                id: try r[0].decode(UUID.self), runID: try r[1].decode(UUID.self), jobID: try r[2].decode(String.self),
                testCaseID: try r[3].decode(UUID.self), model: try r[4].decode(String.self), repeatIndex: try r[5].decode(Int.self),
                prompt: try r[6].decode(String.self), output: try r[7].decode(String?.self), pass: try r[8].decode(Bool.self),
                score: try r[9].decode(Double.self), reason: try r[10].decode(String.self),
                grading: try r[11].decode(String?.self).map { try JSONText.decode(GradingResult.self, from: $0) },
                error: try r[12].decode(String?.self), latencyMs: try r[13].decode(Int?.self),
                promptTokens: try r[14].decode(Int.self), completionTokens: try r[15].decode(Int.self),
                cost: try r[16].decode(Double.self), createdAt: try r[17].decode(Date.self)), try r[18].decode(Int64.self)))
        }
        return Page(window: results, limit: limit) { PageCursor(createdAtMicros: $0.micros, id: $0.result.id) }.map(\.result)
    }
}
