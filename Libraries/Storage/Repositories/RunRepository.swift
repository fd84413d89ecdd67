import Foundation
import Logging
import PostgresNIO
import PromptCards

/// Runs and their results as the API sees them.
public protocol RunRepository: Sendable {
    func create(_ run: Run) async throws
    func find(id: UUID, ownerID: UUID?) async throws -> Run?
    func results(runID: UUID) async throws -> [RunResult]
    /// Moves a run that is not yet final to `cancelled`; returns the run as it now is.
    func cancel(id: UUID, ownerID: UUID?) async throws -> Run?
}

public struct PostgresRunRepository: RunRepository {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    public func create(_ run: Run) async throws {
        try await client.query("""
            INSERT INTO runs (id, card_id, owner_id, card_version, status, models, repeat, concurrency, total, created_at)
            VALUES (\(run.id), \(run.cardID), \(run.ownerID), \(run.cardVersion), \(run.status.rawValue), \(run.models),
                    \(run.repeat), \(run.concurrency), \(run.total), \(run.createdAt))
            """, logger: logger)
    }

    public func find(id: UUID, ownerID: UUID?) async throws -> Run? {
        let rows = try await client.query("""
            SELECT \(unescaped: RunRow.columns) FROM runs WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID))
            """, logger: logger)
        return try await RunRow.decode(rows).first
    }

    public func cancel(id: UUID, ownerID: UUID?) async throws -> Run? {
        let rows = try await client.query("""
            UPDATE runs SET status = 'cancelled', finished_at = now()
            WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID)) AND status IN ('queued', 'running')
            RETURNING \(unescaped: RunRow.columns)
            """, logger: logger)
        if let cancelled = try await RunRow.decode(rows).first { return cancelled }
        return try await find(id: id, ownerID: ownerID)
    }

    public func results(runID: UUID) async throws -> [RunResult] {
        let rows = try await client.query("""
            SELECT id, run_id, job_id, test_case_id, model, repeat_index, prompt, output, pass, score, reason, grading::text,
                   error, latency_ms, prompt_tokens, completion_tokens, cost, created_at
            FROM results WHERE run_id = \(runID) ORDER BY created_at, id
            """, logger: logger)
        var results: [RunResult] = []
        for try await row in rows {
            let r = row.makeRandomAccess()
            results.append(RunResult(
                id: try r[0].decode(UUID.self), runID: try r[1].decode(UUID.self), jobID: try r[2].decode(String.self),
                testCaseID: try r[3].decode(UUID.self), model: try r[4].decode(String.self), repeatIndex: try r[5].decode(Int.self),
                prompt: try r[6].decode(String.self), output: try r[7].decode(String?.self), pass: try r[8].decode(Bool.self),
                score: try r[9].decode(Double.self), reason: try r[10].decode(String.self),
                grading: try r[11].decode(String?.self).map { try JSONText.decode(GradingResult.self, from: $0) },
                error: try r[12].decode(String?.self), latencyMs: try r[13].decode(Int?.self),
                promptTokens: try r[14].decode(Int.self), completionTokens: try r[15].decode(Int.self),
                cost: try r[16].decode(Double.self), createdAt: try r[17].decode(Date.self)))
        }
        return results
    }
}
