import Budgets
import Events
import Foundation
import Logging
import PostgresNIO

extension RunStore {
    /// Stores a new run of `run.cardID` with a snapshot of `template` and of the card's test
    /// cases as they are now, and announces `run.queued`, in one transaction, if it fits
    /// `admission` (else throws `BudgetExceeded`, storing nothing). `run.total` is counted
    /// there, in SQL, from the test cases, models and repeat; no test case is loaded into
    /// memory. With an idempotency key this owner used before, nothing is stored and the
    /// earlier run is returned.
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
                                  idempotency_key, created_at, template, webhook_url)
                VALUES (\(stored.id), \(stored.cardID), \(stored.ownerID), \(stored.cardVersion), \(stored.status.rawValue),
                        \(stored.models), \(stored.repeat), \(stored.concurrency), \(total), \(stored.threshold),
                        \(idempotencyKey), \(stored.createdAt), \(template), \(stored.webhookURL))
                """, logger: logger)
            try await OutboxWriter.append([.queued(stored)], on: connection, logger: logger)
            try await connection.query("""
                INSERT INTO run_cases (run_id, test_case_id, vars, assertions, threshold, position)
                SELECT \(stored.id), id, vars, assertions, threshold, (row_number() OVER (ORDER BY created_at, id))::integer - 1
                FROM test_cases WHERE card_id = \(stored.cardID)
                """, logger: logger)
            return .done(.created(stored))
        }
        switch outcome {
        case .done(let creation):
            if case .created = creation { eventsCommitted() }
            return creation
        case .over(let exceeded): throw exceeded
        }
    }
}

/// The transaction's answer: postgres-nio wraps whatever a transaction throws, so going over
/// a budget is returned from it (rolling nothing back: nothing was written yet) and thrown after.
private enum Admitted: Sendable {
    case done(RunCreation)
    case over(BudgetExceeded)
}
