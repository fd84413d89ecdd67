import Budgets
import EventStreams
import Foundation
import Hummingbird
import Logging
import PostgresNIO
import PromptCards
import Queue
import RunTestSupport
import QueueWorkerService
import RedisClient
import ServiceKit
import Testing
import ServiceLifecycle
import Storage
import TestSupport

/// queue-worker as the executable builds it (`buildQueueWorker`), on a fresh migrated
/// database and its own Redis key prefix, with runs stored the way cards-api stores them.
struct WorkerHarness: Sendable {
    let database: PostgresClient
    let databaseURL: String
    let redisURL: String
    let redis: RedisClient
    let keys: RedisKeys
    var queue: JobQueue { JobQueue(redis: redis, keys: keys) }

    static let logger: Logger = {
        var logger = Logger(label: "queue-worker-test")
        // TEST_LOG_LEVEL=debug shows what the worker under test did, to chase a failure.
        logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    /// - Parameters:
    ///   - redisURL: a Redis of the test's own (one it restarts, say); the shared test Redis by default.
    ///   - postgresURL: likewise a Postgres server of its own (superuser URL).
    static func with(redisURL: String? = nil, postgresURL: String? = nil,
                     _ body: @Sendable (WorkerHarness) async throws -> Void) async throws {
        try await TestDatabase.with(serverURL: postgresURL) { database, url in
            try await Migrator(client: database, logger: logger).migrate()
            let redisURL = try redisURL ?? TestEnvironment.redisURL()
            let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL))
            let harness = WorkerHarness(database: database, databaseURL: url, redisURL: redisURL, redis: redis,
                                        keys: RedisKeys(prefix: TestEnvironment.uniquePrefix("worker")))
            do {
                try await harness.queue.prepare()
                try await body(harness)
                await redis.shutdown()
            } catch {
                await redis.shutdown()
                throw error
            }
        }
    }

    /// A stored run of one test case per word with `assert` against `model`, as cards-api creates it.
    func storedRun(assert: [Assertion] = [Assertion(type: "contains", value: .string("hello"))],
                   model: String = "smollm2", template: String = "Say {{word}}",
                   words: [String] = ["hello"], concurrency: Int = 1, webhookURL: String? = nil) async throws -> Run {
        try await RunFixture(database: database, logger: Self.logger)
            .storedRun(assert: assert, model: model, template: template, words: words, concurrency: concurrency,
                       webhookURL: webhookURL)
    }

    /// Runs a worker until the run is completed and its end announced, then checks what a
    /// fault must never cause: a case stored twice or not at all, the run finalized twice, a
    /// case announced twice on the run's channel.
    func finishAndCheckExactlyOnce(_ run: Run, total: Int, environment: [String: String]) async throws {
        let bus = EventBus(redis: redis, keys: keys)
        let channel = "run:\(run.id.uuidString.lowercased())"
        try await runningWorker(environment) {
            let final = try await finished(run.id, within: .seconds(300))
            #expect(final.status == .completed && final.completed == total, "\(final)")
            #expect(final.passed + final.errored == total, "every case has a result: \(final)")
            // The worker's relay publishes the last events just after they commit.
            try await eventually("run.completed is announced") {
                try await bus.history(channel: channel, after: "0").contains { $0.type == "run.completed" }
            }
        }
        try await checkExactlyOnce(run, total: total)
    }

    /// Of a run that is over: every case stored once, the run finalized once, no case
    /// announced twice on its channel.
    func checkExactlyOnce(_ run: Run, total: Int) async throws {
        let bus = EventBus(redis: redis, keys: keys)
        let channel = "run:\(run.id.uuidString.lowercased())"
        let results = try await results(run.id)
        #expect(results.count == total && Set(results.map(\.jobID)).count == total, "each case stored once")
        let events = try await bus.history(channel: channel, after: "0")
        #expect(events.filter { $0.type == "run.completed" }.count == 1, "finalized once")
        let cases = events.filter { $0.type == "case.completed" }.compactMap { $0.data["result_id"]?.stringValue }
        #expect(cases.count == total && Set(cases).count == total, "every case announced once")
    }

    /// A stored card of a new user, one test case per word.
    func storedCard(words: [String] = ["hello"]) async throws -> Card {
        try await RunFixture(database: database, logger: Self.logger).storedCard(words: words)
    }

    /// The job of the run's first test case, as cards-api enqueues it.
    func job(of run: Run) async throws -> JobEnvelope {
        try requireValue(try await jobs(of: run).first, "a snapshotted test case")
    }

    /// Every job of the run, in its test cases' order.
    func jobs(of run: Run) async throws -> [JobEnvelope] {
        try await RunFixture(database: database, logger: Self.logger).testCases(of: run).map { testCase in
            try ExecuteTestCaseJob(runID: run.id, cardID: run.cardID, testCaseID: testCase, model: run.models[0],
                                   repeatIndex: 0).envelope(owner: run.ownerID, concurrency: run.concurrency)
        }
    }

    /// queue-worker as the executable builds it, with `environment` on top of this harness's
    /// database, Redis and prefix.
    private func worker(_ environment: [String: String]) async throws -> some ApplicationProtocol {
        try await buildQueueWorker(config: QueueWorkerConfig(EnvironmentReader(workerEnvironment(environment))),
                                   logger: Self.logger)
    }

    /// The environment of a worker on this harness's database, Redis and prefix, with
    /// `environment` on top: for one built in the test, or the executable started as a process.
    func workerEnvironment(_ environment: [String: String]) -> [String: String] {
        [
            "DATABASE_URL": databaseURL, "REDIS_URL": redisURL, "REDIS_KEY_PREFIX": keys.prefix,
            "PORT": "0", "HOST": "127.0.0.1", "WORKER_CONCURRENCY": "2",
        ].merging(environment) { _, new in new }
    }

    /// Runs the worker with `environment` (on top of this harness's database, Redis and
    /// prefix) while `body` runs, then stops it hard (its task is cancelled: nothing in hand is
    /// finished or handed back; `runningWorkerStoppedGracefully` is the SIGTERM path).
    func runningWorker(_ environment: [String: String], _ body: @Sendable () async throws -> Void) async throws {
        let app = try await worker(environment)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            try await body()
        }
    }

    /// Enqueues `job` (of `run`) and runs the worker with `environment` until the run has
    /// finished and the job is acknowledged; returns the run as it ended.
    func runToEnd(_ run: Run, job: JobEnvelope, environment: [String: String]) async throws -> Run {
        try await queue.enqueue(job)
        try await runningWorker(environment) {
            _ = try await finished(run.id)
            // The job is acknowledged just after its case is recorded (which finished the run).
            try await eventually("the job is acknowledged") { try await queue.job(id: job.id)?.state == .completed }
        }
        return try requireValue(try await self.run(run.id), "the finished run")
    }

    /// Runs the worker while `body` runs, then stops it as SIGTERM does (graceful shutdown)
    /// and waits until it has exited; returns how long the stop took.
    @discardableResult
    func runningWorkerStoppedGracefully(_ environment: [String: String], _ body: @Sendable () async throws -> Void)
        async throws -> Duration {
        let app = try await worker(environment)
        let services = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Self.logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            do {
                try await body()
            } catch {
                group.cancelAll()
                throw error
            }
            let stopping = ContinuousClock.now
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return ContinuousClock.now - stopping
        }
    }

    /// The run as stored now.
    func run(_ id: UUID) async throws -> Run? {
        try await PostgresRunRepository(client: database, logger: Self.logger).find(id: id, ownerID: nil)
    }

    /// Polls until the run is final (the real worker takes its time on a loaded machine).
    func finished(_ id: UUID, within limit: Duration = .seconds(120)) async throws -> Run {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < limit {
            if let run = try await run(id), run.status.isFinal { return run }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessError("run \(id) did not finish within \(limit)")
    }

    /// Polls `condition` until it holds (the real worker takes its time on a loaded machine).
    func eventually(_ what: String, within limit: Duration = .seconds(120),
                    _ condition: @Sendable () async throws -> Bool) async throws {
        let started = ContinuousClock.now
        while try await !condition() {
            guard ContinuousClock.now - started < limit else { throw HarnessError("\(what): not within \(limit)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    func results(_ id: UUID) async throws -> [RunResult] {
        try await PostgresRunRepository(client: database, logger: Self.logger).results(runID: id)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `#require` for a plain optional outside a test function's body.
func requireValue<T>(_ value: T?, _ what: String = "a value") throws -> T {
    guard let value else { throw HarnessError("expected \(what)") }
    return value
}
