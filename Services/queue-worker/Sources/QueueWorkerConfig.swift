import Budgets
import Foundation
import PostgresNIO
import RedisClient
import ServiceKit
import Storage

/// queue-worker's configuration, read from the environment.
public struct QueueWorkerConfig: Sendable {
    public var server: ServerConfig
    public var database: PostgresClient.Configuration
    public var redis: RedisConfiguration
    public var redisKeyPrefix: String
    public var llmProxyURL: String
    /// Jobs this process works on at once.
    public var concurrency: Int
    /// This worker's name on the jobs it holds (part of each lease token); unique per process.
    public var consumerName: String
    /// A claimed job not heartbeated for this long is presumed orphaned and reclaimed.
    public var stallTimeout: Duration
    /// How long a finished job's state and result are kept (and its id deduplicates).
    public var jobRetention: Duration
    /// On SIGTERM, how long running jobs may take to finish before they are handed back to
    /// the queue (for another worker to run at once). Below the pod's termination grace.
    public var shutdownGrace: Duration
    public var llmTimeout: Duration
    /// One Postgres call of a job; past it the job fails rather than hangs.
    public var databaseTimeout: Duration
    public var maxTokens: Int
    /// The model that grades `llm-rubric`, `factuality` and `answer-relevance` when an assertion names none.
    public var graderModel: String
    /// The model that embeds for `similar` and `answer-relevance` when an assertion names none.
    public var graderEmbeddingModel: String
    public var limits: QueueWorkerLimits
    /// Deliver webhooks to loopback and private addresses too (normally refused).
    public var webhookAllowPrivate: Bool
    /// The longest one webhook delivery may take.
    public var webhookTimeout: Duration
    /// The budgets a `run.start` job's run is admitted within, as cards-api's runs are.
    public var admission: RunAdmission

    public init(_ env: EnvironmentReader) throws(ConfigError) {
        server = try ServerConfig(env, defaultPort: 8103)
        database = try env.parsed("DATABASE_URL", DatabaseURL.configuration)
        redis = try env.parsed("REDIS_URL", default: RedisConfiguration.defaultURL, RedisConfiguration.init(url:))
        redisKeyPrefix = env.string("REDIS_KEY_PREFIX", default: "pcs")
        llmProxyURL = try env.httpURL("LLM_PROXY_URL", default: "http://127.0.0.1:8104")
        concurrency = try env.int("WORKER_CONCURRENCY", default: 4, range: 1...256)
        consumerName = env.string("CONSUMER_NAME", default: "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)")
        stallTimeout = .seconds(try env.int("STALL_TIMEOUT_SECONDS", default: 60, range: 5...3600))
        jobRetention = .seconds(try env.int("JOB_RETENTION_SECONDS", default: 86_400, range: 60...(90 * 86_400)))
        shutdownGrace = .seconds(try env.int("SHUTDOWN_GRACE_SECONDS", default: 90, range: 0...3600))
        llmTimeout = .seconds(try env.int("LLM_TIMEOUT_SECONDS", default: 120, range: 1...3600))
        databaseTimeout = .seconds(try env.int("DATABASE_TIMEOUT_SECONDS", default: 30, range: 1...3600))
        maxTokens = try env.int("LLM_MAX_TOKENS", default: 256, range: 1...32_768)
        graderModel = env.string("GRADER_MODEL", default: "smollm2")
        graderEmbeddingModel = env.string("GRADER_EMBEDDING_MODEL", default: graderModel)
        limits = try QueueWorkerLimits(env)
        webhookAllowPrivate = try env.bool("WEBHOOK_ALLOW_PRIVATE", default: false)
        webhookTimeout = .seconds(try env.int("WEBHOOK_TIMEOUT_SECONDS", default: 10, range: 1...300))
        admission = RunAdmission(jobsPerRun: try env.budget(BudgetCatalog.jobsPerRun),
                                 activeRunsPerUser: try env.budget(BudgetCatalog.activeRunsPerUser),
                                 queuedJobsPerUser: try env.budget(BudgetCatalog.queuedJobsPerUser))
    }
}
