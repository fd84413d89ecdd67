import Foundation
import PostgresNIO
import PromptCards
import Queue
import RunTestSupport
import Storage
import TestSupport
import Testing

/// A run's path through the real worker when parts of it fail: nothing is paid for twice,
/// and no run stays `running` after its last job is gone.
@Suite(.serialized) struct RunPipelineTests {
    /// A worker died after recording a job's result but before acknowledging it: the job is
    /// delivered again, and the model is not asked a second time.
    @Test func aRedeliveredJobWhoseResultExistsMakesNoModelCall() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(words: ["hello", "world"])
                let jobs = try await harness.jobs(of: run)
                let testCases = try await RunFixture(database: harness.database, logger: WorkerHarness.logger).testCases(of: run)
                _ = try await RunStore(client: harness.database, logger: WorkerHarness.logger)
                    .record(RunFixture.result(of: run, testCase: testCases[0], jobID: jobs[0].id))
                try await harness.queue.enqueue(jobs)
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    let final = try await harness.finished(run.id)
                    #expect(final.status == .completed && final.completed == 2, "\(final)")
                }
                #expect(proxy.callCount == 1, "only the job without a result asked the model")
                #expect(try await harness.results(run.id).count == 2)
            }
        }
    }

    /// The price llm-proxy puts on an answer is the case's cost: stored with the result,
    /// and what its `cost` assertion grades.
    @Test func theCostLLMProxyReportsIsRecordedAndGraded() async throws {
        let proxy = ScriptedLLMProxy(answered: 100, cost: "0.00042")
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let run = try await harness.storedRun(assert: [
                    Assertion(type: "contains", value: .string("hello")),
                    Assertion(type: "cost", threshold: 0.0001),
                ])
                try await harness.queue.enqueue(try await harness.jobs(of: run))
                try await harness.runningWorker(["LLM_PROXY_URL": url]) {
                    _ = try await harness.finished(run.id)
                }
                let result = try #require(try await harness.results(run.id).first)
                #expect(result.cost == 0.00042)
                #expect(!result.pass, "0.00042 dollars is over the 0.0001 the case allows: \(result.reason)")
                let graded = try #require(result.grading?.componentResults?.first { $0.assertion?.type == "cost" })
                #expect(!graded.pass, "\(graded)")
            }
        }
    }

    /// Postgres goes away for the worker while its job's last attempt waits for the model:
    /// the job cannot record its result and is dead-lettered. Once Postgres is back, the
    /// worker settles the dead letter: the case is errored and the run completes — it does
    /// not stay `running` forever.
    @Test func postgresLostDuringALastAttemptStillEndsTheRun() async throws {
        let proxy = ScriptedLLMProxy(answered: 100)
        try await proxy.serve { url in
            try await WorkerHarness.with { harness in
                let role = try await WorkerRole.create(on: harness.database)
                do {
                    try await lastAttemptWithoutPostgres(harness, role: role, proxy: proxy, llmURL: url)
                    try await role.drop(on: harness.database)
                } catch {
                    try? await role.drop(on: harness.database)
                    throw error
                }
            }
        }
    }

    private func lastAttemptWithoutPostgres(_ harness: WorkerHarness, role: WorkerRole, proxy: ScriptedLLMProxy,
                                            llmURL: String) async throws {
        let run = try await harness.storedRun()
        var job = try await harness.job(of: run)
        job.maxAttempts = 1
        try await harness.queue.enqueue(job)
        proxy.hold()
        try await harness.runningWorker([
            "LLM_PROXY_URL": llmURL, "DATABASE_URL": try role.url(replacingUserOf: harness.databaseURL),
            "DATABASE_TIMEOUT_SECONDS": "3",
        ]) {
            try await harness.eventually("the job asks the model") { proxy.callCount == 1 }
            try await role.lockOut(on: harness.database)
            proxy.release()
            do {
                try await harness.eventually("the job is dead-lettered") { try await harness.queue.depth().dead == 1 }
            } catch {
                // What the queue and the model saw, to tell a stuck worker from a slow one.
                let depth = try? await harness.queue.depth()
                Issue.record("queue \(String(describing: depth)); model calls \(proxy.callCount)")
                throw error
            }
            #expect(try await harness.run(run.id)?.status == .running, "nothing could mark it yet")
            try await role.letIn(on: harness.database)
            let final = try await harness.finished(run.id)
            #expect(final.status == .completed && final.errored == 1, "\(final)")
            let result = try #require(try await harness.results(run.id).first)
            #expect(result.error?.contains("without a result") == true, "\(result.error ?? "no error")")
        }
    }
}

/// A login role of its own for the worker under test, so that Postgres can be taken away
/// from that worker alone (the other tests share the server): locked out, its sessions
/// ended, every new connection refused — what a worker sees when Postgres is down.
struct WorkerRole: Sendable {
    let name: String
    let password: String

    static func create(on database: PostgresClient) async throws -> WorkerRole {
        let role = WorkerRole(name: "worker_\(UUID().uuidString.prefix(8).lowercased())", password: UUID().uuidString)
        try await database.query(PostgresQuery(unsafeSQL: "CREATE ROLE \(role.name) LOGIN PASSWORD '\(role.password)'"))
        try await database.query(PostgresQuery(unsafeSQL: "GRANT ALL ON ALL TABLES IN SCHEMA public TO \(role.name)"))
        try await database.query(PostgresQuery(unsafeSQL: "GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO \(role.name)"))
        return role
    }

    func url(replacingUserOf url: String) throws -> String {
        var components = try requireValue(URLComponents(string: url), "a database URL")
        components.user = name
        components.password = password
        return try requireValue(components.string, "a database URL")
    }

    func lockOut(on database: PostgresClient) async throws {
        try await database.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(name) NOLOGIN"))
        try await database.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(name)")
    }

    func letIn(on database: PostgresClient) async throws {
        try await database.query(PostgresQuery(unsafeSQL: "ALTER ROLE \(name) LOGIN"))
    }

    func drop(on database: PostgresClient) async throws {
        try await lockOut(on: database)
        try await database.query(PostgresQuery(unsafeSQL: "DROP OWNED BY \(name)"))
        try await database.query(PostgresQuery(unsafeSQL: "DROP ROLE \(name)"))
    }
}
