import Foundation
import Logging
import PostgresNIO
import PromptCards

/// The worker's side of a run: marks it running, records each result exactly once (the
/// job id is the idempotency key) and finalizes the run exactly once when the last result
/// lands, computing its score, latency percentiles, tokens and cost in SQL.
public struct RunLedger: Sendable {
    /// How recording a result changed the run.
    public struct Progress: Sendable, Equatable {
        /// False when the job had already been recorded (a redelivery): nothing changed.
        public var inserted: Bool
        public var completed: Int
        public var total: Int
        public var passed: Int
        public var failed: Int
        public var errored: Int
    }

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The run's status, or nil when it no longer exists.
    public func status(runID: UUID) async throws -> RunStatus? {
        for try await status in try await client.query("SELECT status FROM runs WHERE id = \(runID)", logger: logger).decode(String.self) {
            return RunStatus(rawValue: status)
        }
        return nil
    }

    /// What the run stored for this test case when it was created, or nil when the run (or the
    /// case in it) is gone. Runs from before snapshots existed have none: their jobs carry it.
    public func snapshot(runID: UUID, testCaseID: UUID) async throws -> RunCaseSnapshot? {
        let rows = try await client.query("""
            SELECT r.template, c.vars::text, c.assertions::text, coalesce(r.threshold, c.threshold)
            FROM runs r JOIN run_cases c ON c.run_id = r.id
            WHERE r.id = \(runID) AND c.test_case_id = \(testCaseID) AND r.template IS NOT NULL
            """, logger: logger)
        for try await (template, vars, assertions, threshold) in rows.decode((String, String, String, Double?).self) {
            return RunCaseSnapshot(template: template, vars: try JSONText.decode([String: JSONValue].self, from: vars),
                                   assert: try JSONText.decode([Assertion].self, from: assertions), threshold: threshold)
        }
        return nil
    }

    /// Whether a result for this job is already stored (a redelivered job whose work is done).
    public func hasResult(jobID: String) async throws -> Bool {
        let rows = try await client.query("SELECT 1 FROM results WHERE job_id = \(jobID)", logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// `queued` → `running`; true only for the one caller that made the change.
    public func markRunning(runID: UUID) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE runs SET status = 'running', started_at = now() WHERE id = \(runID) AND status = 'queued' RETURNING id",
            logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Stores the result and bumps the run's counters in one transaction.
    public func record(_ result: RunResult) async throws -> Progress {
        let logger = self.logger
        let grading = try result.grading.map { try JSONText.encode($0) }
        return try await client.withTransaction(logger: logger) { connection in
            let inserted = try await connection.query("""
                INSERT INTO results (id, run_id, job_id, test_case_id, model, repeat_index, prompt, output, pass, score, reason,
                                     grading, error, latency_ms, prompt_tokens, completion_tokens, cost, created_at)
                VALUES (\(result.id), \(result.runID), \(result.jobID), \(result.testCaseID), \(result.model), \(result.repeatIndex),
                        \(result.prompt), \(result.output), \(result.pass), \(result.score), \(result.reason), \(grading)::jsonb,
                        \(result.error), \(result.latencyMs), \(result.promptTokens), \(result.completionTokens), \(result.cost),
                        \(result.createdAt))
                ON CONFLICT (job_id) DO NOTHING
                RETURNING id
                """, logger: logger)
            var didInsert = false
            for try await _ in inserted.decode(UUID.self) { didInsert = true }
            let passed = result.error == nil && result.pass ? 1 : 0
            let failed = result.error == nil && !result.pass ? 1 : 0
            let errored = result.error == nil ? 0 : 1
            let step = didInsert ? 1 : 0
            let rows = try await connection.query("""
                UPDATE runs SET completed = completed + \(step), passed = passed + \(passed * step),
                    failed = failed + \(failed * step), errored = errored + \(errored * step),
                    prompt_tokens = prompt_tokens + \(result.promptTokens * step),
                    completion_tokens = completion_tokens + \(result.completionTokens * step),
                    cost = cost + \(result.cost * Double(step))
                WHERE id = \(result.runID)
                RETURNING completed, total, passed, failed, errored
                """, logger: logger)
            for try await (completed, total, passed, failed, errored) in rows.decode((Int, Int, Int, Int, Int).self) {
                return Progress(inserted: didInsert, completed: completed, total: total, passed: passed, failed: failed, errored: errored)
            }
            throw StorageError.unexpected("run \(result.runID) vanished while recording a result")
        }
    }

    /// Completes the run if every job has landed and nobody completed it yet. Returns the
    /// final run to the one caller that did it, nil to everyone else.
    public func finalizeIfDone(runID: UUID) async throws -> Run? {
        let rows = try await client.query("""
            WITH stats AS (
                SELECT avg(score) AS score,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
                FROM results WHERE run_id = \(runID)
            )
            UPDATE runs SET status = 'completed', finished_at = now(),
                score = stats.score, latency_p50_ms = stats.p50, latency_p95_ms = stats.p95, latency_p99_ms = stats.p99
            FROM stats
            WHERE runs.id = \(runID) AND runs.status IN ('queued', 'running') AND runs.completed >= runs.total
            RETURNING \(unescaped: RunRow.columns.split(separator: ",").map { "runs." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            """, logger: logger)
        return try await RunRow.decode(rows).first
    }
}
