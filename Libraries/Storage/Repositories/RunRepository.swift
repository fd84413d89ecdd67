import Budgets
import Foundation
import Logging
import PostgresNIO
import PromptCards

/// Runs and their results as the API sees them.
public protocol RunRepository: Sendable {
    /// Stores a new run of `run.cardID` with a snapshot of `template` and of the card's test
    /// cases as they are now, in one transaction, if it fits `admission` (else throws
    /// `BudgetExceeded`, storing nothing). `run.total` is counted there, in SQL, from the test
    /// cases, models and repeat; no test case is loaded into memory. With an idempotency key
    /// this owner used before, nothing is stored and the earlier run is returned.
    func create(_ run: Run, template: String, idempotencyKey: String?, admission: RunAdmission) async throws -> RunCreation
    /// The test cases a run snapshotted, `limit` at a time in their order, after `position`.
    func snapshotCaseIDs(runID: UUID, after position: Int, limit: Int) async throws -> [(position: Int, testCaseID: UUID)]
    func find(id: UUID, ownerID: UUID?) async throws -> Run?
    func list(_ filter: RunFilter, limit: Int, after cursor: PageCursor?) async throws -> Page<Run>
    /// Results in execution order; `passed` filters on the outcome.
    func results(runID: UUID, passed: Bool?, limit: Int, after cursor: PageCursor?) async throws -> Page<RunResult>
    /// Moves a run that is not yet final to `cancelled`; returns the run as it now is.
    func cancel(id: UUID, ownerID: UUID?) async throws -> Run?
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

    public func create(_ run: Run, template: String, idempotencyKey: String?, admission: RunAdmission) async throws
        -> RunCreation {
        let logger = self.logger
        let outcome = try await client.withTransaction(logger: logger) { connection -> Admitted in
            // One admission at a time per owner, so two requests at once cannot both pass the quotas.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtextextended(\(run.ownerID.uuidString.lowercased()), 1))", logger: logger)
            if let idempotencyKey {
                let earlier = try await connection.query("""
                    SELECT \(unescaped: RunRow.columns) FROM runs WHERE owner_id = \(run.ownerID) AND idempotency_key = \(idempotencyKey)
                    """, logger: logger)
                if let earlier = try await RunRow.decode(earlier).first { return .done(.existing(earlier)) }
            }
            var cases = 0
            for try await count in try await connection.query(
                "SELECT count(*)::bigint FROM test_cases WHERE card_id = \(run.cardID)", logger: logger).decode(Int64.self) {
                cases = Int(count)
            }
            guard cases > 0 else { return .done(.noTestCases) }
            let (models, repeats) = (run.models.count, run.repeat)
            let total = cases * models * repeats
            guard admission.jobsPerRun.allows(total) else {
                return .over(admission.jobsPerRun.exceeded(
                    "the run's \(total) jobs (\(cases) test cases × \(models) models × \(repeats) repeats)", field: "repeat"))
            }
            var (active, outstanding) = (0, 0)
            for try await (runs, jobs) in try await connection.query("""
                SELECT count(*)::bigint, coalesce(sum(total - completed), 0)::bigint FROM runs
                WHERE owner_id = \(run.ownerID) AND status IN ('queued', 'running')
                """, logger: logger).decode((Int64, Int64).self) {
                (active, outstanding) = (Int(runs), Int(jobs))
            }
            guard admission.activeRunsPerUser.allows(active + 1) else {
                return .over(admission.activeRunsPerUser.exceeded("your unfinished runs, this one included (\(active + 1))"))
            }
            guard admission.queuedJobsPerUser.allows(outstanding + total) else {
                return .over(admission.queuedJobsPerUser.exceeded(
                    "the jobs of your unfinished runs, this one's \(total) included (\(outstanding + total))"))
            }
            var stored = run
            stored.total = total
            try await connection.query("""
                INSERT INTO runs (id, card_id, owner_id, card_version, status, models, repeat, concurrency, total, threshold,
                                  idempotency_key, created_at, template)
                VALUES (\(stored.id), \(stored.cardID), \(stored.ownerID), \(stored.cardVersion), \(stored.status.rawValue),
                        \(stored.models), \(stored.repeat), \(stored.concurrency), \(total), \(stored.threshold),
                        \(idempotencyKey), \(stored.createdAt), \(template))
                """, logger: logger)
            try await connection.query("""
                INSERT INTO run_cases (run_id, test_case_id, vars, assertions, threshold, position)
                SELECT \(stored.id), id, vars, assertions, threshold, (row_number() OVER (ORDER BY created_at, id))::integer - 1
                FROM test_cases WHERE card_id = \(stored.cardID)
                """, logger: logger)
            return .done(.created(stored))
        }
        switch outcome {
        case .done(let creation): return creation
        case .over(let exceeded): throw exceeded
        }
    }

    /// The transaction's answer: postgres-nio wraps whatever a transaction throws, so going over
    /// a budget is returned from it (rolling nothing back: nothing was written yet) and thrown after.
    private enum Admitted: Sendable {
        case done(RunCreation)
        case over(BudgetExceeded)
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

    public func cancel(id: UUID, ownerID: UUID?) async throws -> Run? {
        let rows = try await client.query("""
            UPDATE runs SET status = 'cancelled', finished_at = now()
            WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID)) AND status IN ('queued', 'running')
            RETURNING \(unescaped: RunRow.columns)
            """, logger: logger)
        if let cancelled = try await RunRow.decode(rows).first { return cancelled }
        return try await find(id: id, ownerID: ownerID)
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
