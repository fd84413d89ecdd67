import Budgets
import Events
import Foundation
import Logging
import PostgresNIO
import PromptCards

/// The one owner of a run's state: every transition of the state machine (`RunTransition`)
/// and every recorded result goes through here, each in one transaction that also writes
/// the events announcing it to the outbox. So a change and its announcement commit together
/// or not at all, and nobody else spells a status in SQL.
///
/// Each transaction that touches a run locks its row before it writes an event, so the
/// outbox ids of one run's events follow their commit order: the relay publishes them in
/// the order they happened.
public struct RunStore: Sendable {
    /// How recording a result changed the run.
    public struct Progress: Sendable, Equatable {
        /// False when the job had already been recorded (a redelivery): nothing changed.
        public var inserted: Bool
        public var completed: Int
        public var total: Int
        /// The run as it was finalized, when this result was its last one.
        public var finished: Run?
    }

    let client: PostgresClient
    let logger: Logger
    /// Called after a transaction that may have written events commits: the daemon's relay
    /// (`OutboxRelay.announce`) publishes them at once.
    let eventsCommitted: @Sendable () -> Void
    /// How long one call may wait for Postgres (a connection, then the answer); nil waits as
    /// long as Postgres takes. A worker bounds it, so that a job whose Postgres is gone fails
    /// (and is retried, or dead-lettered and settled) instead of hanging.
    let callTimeout: Duration?

    public init(client: PostgresClient, logger: Logger, callTimeout: Duration? = nil,
                eventsCommitted: @escaping @Sendable () -> Void = {}) {
        self.client = client
        self.logger = logger
        self.callTimeout = callTimeout
        self.eventsCommitted = eventsCommitted
    }

    /// Where a run's job stands before it runs: the run's status and whether the job's result
    /// is already stored (a redelivered job whose work is done), in one round trip. Nil when
    /// the run no longer exists.
    public func caseState(runID: UUID, jobID: String) async throws -> (status: RunStatus, recorded: Bool)? {
        try await bounded { [client, logger] in
            let rows = try await client.query("""
                SELECT status, EXISTS (SELECT 1 FROM results WHERE job_id = \(jobID)) FROM runs WHERE id = \(runID)
                """, logger: logger)
            for try await (status, recorded) in rows.decode((String, Bool).self) {
                return RunStatus(rawValue: status).map { ($0, recorded) }
            }
            return nil
        }
    }

    /// What the run stored for this test case when it was created, or nil when the run (or
    /// the case in it) is gone.
    public func inputs(runID: UUID, testCaseID: UUID) async throws -> RunCaseSnapshot? {
        try await bounded { [client, logger] in try await Self.inputs(runID: runID, testCaseID: testCaseID, client: client, logger: logger) }
    }

    private static func inputs(runID: UUID, testCaseID: UUID, client: PostgresClient, logger: Logger) async throws
        -> RunCaseSnapshot? {
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

    /// `queued` → `running`, announcing `run.started`; true only for the one caller that made the change.
    @discardableResult
    public func start(runID: UUID) async throws -> Bool {
        let transition = RunTransition.start
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE runs SET status = \(transition.to.rawValue), started_at = now()
                WHERE id = \(runID) AND status = ANY(\(transition.fromValues)) RETURNING id
                """, logger: logger)
            for try await _ in rows.decode(UUID.self) {
                try await OutboxWriter.append([.runStarted(RunStarted(runID: runID))], on: connection, logger: logger)
                return true
            }
            return false
        }
    }

    /// Stores the result exactly once (the job id is the key), bumps the run's tallies,
    /// announces `case.completed` and `run.progress`, and — when this was the run's last
    /// result — finalizes it and announces `run.completed`: all one transaction. Nil when the
    /// run is gone (deleted).
    public func record(_ result: RunResult) async throws -> Progress? {
        let grading = try result.grading.map { try JSONText.encode($0) }
        return try await transaction { connection, logger in
            var status: RunStatus?
            for try await value in try await connection.query(
                "SELECT status FROM runs WHERE id = \(result.runID) FOR UPDATE", logger: logger).decode(String.self) {
                status = RunStatus(rawValue: value)
            }
            guard let status else { return nil }
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
            guard didInsert else {
                let run = try await Self.find(result.runID, on: connection, logger: logger)
                return Progress(inserted: false, completed: run?.completed ?? 0, total: run?.total ?? 0, finished: nil)
            }
            let (passed, failed, errored) = result.error != nil ? (0, 0, 1) : result.pass ? (1, 0, 0) : (0, 1, 0)
            let rows = try await connection.query("""
                UPDATE runs SET completed = completed + 1, passed = passed + \(passed), failed = failed + \(failed),
                    errored = errored + \(errored), prompt_tokens = prompt_tokens + \(result.promptTokens),
                    completion_tokens = completion_tokens + \(result.completionTokens), cost = cost + \(result.cost)
                WHERE id = \(result.runID)
                RETURNING \(unescaped: RunRow.columns)
                """, logger: logger)
            guard let run = try await RunRow.decode(rows).first else {
                throw StorageError.unexpected("run \(result.runID) vanished while recording a result")
            }
            try await OutboxWriter.append([.caseCompleted(result), .progress(run)], on: connection, logger: logger)
            var finished: Run?
            if !status.isFinal && run.completed >= run.total {
                finished = try await Self.complete(result.runID, on: connection, logger: logger)
            }
            return Progress(inserted: true, completed: run.completed, total: run.total, finished: finished)
        }
    }

    /// Completes the run if every job has landed and nobody completed it yet, announcing
    /// `run.completed`. Returns the final run to the one caller that did it, nil to everyone else.
    public func finalizeIfDone(runID: UUID) async throws -> Run? {
        try await transaction { connection, logger in
            try await Self.complete(runID, on: connection, logger: logger)
        }
    }

    /// Finalizes every unfinished run whose results are all in (a run can be left so when the
    /// transaction that recorded its last result predates the outbox, or it was counted
    /// complete by a sweep of dead letters). Returns the runs it finalized.
    public func finalizeAllDone(limit: Int = 100) async throws -> [Run] {
        let ids = try await bounded { [client, logger] in
            var ids: [UUID] = []
            let rows = try await client.query("""
                SELECT id FROM runs WHERE status = ANY(\(RunStatus.unfinishedValues)) AND completed >= total LIMIT \(limit)
                """, logger: logger)
            for try await id in rows.decode(UUID.self) { ids.append(id) }
            return ids
        }
        var finished: [Run] = []
        for id in ids {
            if let run = try await finalizeIfDone(runID: id) { finished.append(run) }
        }
        return finished
    }

    /// Moves a run that is not yet final to `cancelled`, announcing `run.cancelled`; returns
    /// the run as it now is (nil when there is no such run for this owner).
    public func cancel(id: UUID, ownerID: UUID?) async throws -> Run? {
        let transition = RunTransition.cancel
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE runs SET status = \(transition.to.rawValue), finished_at = now()
                WHERE id = \(id) AND (\(ownerID)::uuid IS NULL OR owner_id = \(ownerID)) AND status = ANY(\(transition.fromValues))
                RETURNING \(unescaped: RunRow.columns)
                """, logger: logger)
            if let cancelled = try await RunRow.decode(rows).first {
                try await OutboxWriter.append([.finished(cancelled)], on: connection, logger: logger)
                return cancelled
            }
            guard let run = try await Self.find(id, on: connection, logger: logger),
                  ownerID == nil || run.ownerID == ownerID else { return nil }
            return run
        }
    }

    /// Ends a run that cannot execute (its jobs could not be enqueued) as `failed` with
    /// `reason`, announcing `run.failed`. Nil when it was already final.
    @discardableResult
    public func fail(runID: UUID, reason: String) async throws -> Run? {
        let transition = RunTransition.fail
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE runs SET status = \(transition.to.rawValue), finished_at = now(), failure_reason = \(reason)
                WHERE id = \(runID) AND status = ANY(\(transition.fromValues))
                RETURNING \(unescaped: RunRow.columns)
                """, logger: logger)
            guard let failed = try await RunRow.decode(rows).first else { return nil }
            try await OutboxWriter.append([.finished(failed)], on: connection, logger: logger)
            return failed
        }
    }

    // MARK: - Inside a transaction

    /// `complete`, with the run's score and latency percentiles computed from its results.
    static func complete(_ runID: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Run? {
        let transition = RunTransition.complete
        let rows = try await connection.query("""
            WITH stats AS (
                SELECT avg(score) AS score,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50,
                       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) AS p99
                FROM results WHERE run_id = \(runID)
            )
            UPDATE runs SET status = \(transition.to.rawValue), finished_at = now(),
                score = stats.score, latency_p50_ms = stats.p50, latency_p95_ms = stats.p95, latency_p99_ms = stats.p99
            FROM stats
            WHERE runs.id = \(runID) AND runs.status = ANY(\(transition.fromValues)) AND runs.completed >= runs.total
            RETURNING \(unescaped: RunRow.qualifiedColumns)
            """, logger: logger)
        guard let run = try await RunRow.decode(rows).first else { return nil }
        try await OutboxWriter.append([.finished(run)], on: connection, logger: logger)
        return run
    }

    static func find(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Run? {
        try await RunRow.decode(connection.query("SELECT \(unescaped: RunRow.columns) FROM runs WHERE id = \(id)", logger: logger)).first
    }

    /// A transaction whose result is returned as is. postgres-nio wraps what the body throws
    /// in `PostgresTransactionError`; unwrapping it here keeps `StorageError`s and
    /// connection errors recognisable to callers.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let (client, logger) = (self.client, self.logger)
        let result = try await bounded {
            do {
                return try await client.withTransaction(logger: logger) { connection in try await body(connection, logger) }
            } catch let error as PostgresTransactionError {
                throw error.closureError ?? error.beginError ?? error.commitError ?? error
            }
        }
        eventsCommitted()
        return result
    }

    /// `work` within `callTimeout`, if one is set. Past it the call fails with
    /// `StorageError.unavailable`; a transaction cut off so is rolled back by Postgres.
    func bounded<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let callTimeout else { return try await work() }
        do {
            return try await withDeadline(callTimeout, work)
        } catch is DeadlineExceeded {
            throw StorageError.unavailable("Postgres did not answer within \(callTimeout)")
        }
    }
}

extension RunStore {
    /// Where each of these runs announces its end: the runs that have a webhook, with their owner.
    public func webhooks(of runIDs: [UUID]) async throws -> [(runID: UUID, ownerID: UUID, url: String)] {
        guard !runIDs.isEmpty else { return [] }
        return try await bounded { [client, logger] in
            var found: [(runID: UUID, ownerID: UUID, url: String)] = []
            let rows = try await client.query("""
                SELECT id, owner_id, webhook_url FROM runs WHERE id = ANY(\(runIDs)) AND webhook_url IS NOT NULL
                """, logger: logger)
            for try await (id, owner, url) in rows.decode((UUID, UUID, String).self) { found.append((id, owner, url)) }
            return found
        }
    }
}
