import EventRelay
import Foundation
import Hummingbird
import Logging
import LLMProxyClient
import PostgresNIO
import EventStreams
import Queue
import RedisClient
import RunJobs
import ServiceKit
import Storage

/// Builds queue-worker: the worker loops and the outbox relay as services, plus the ops
/// port with health and metrics. The executable and tests both call this.
public func buildQueueWorker(config: QueueWorkerConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let postgres = PostgresClient(configuration: config.database, backgroundLogger: logger)
    // Each consumer may hold one connection in a blocking wait for work and need a second
    // for its heartbeat, while the maintenance loop and the relay need their own: a smaller
    // pool would let blocked waits starve the heartbeats, and jobs would look dead.
    var redisConfiguration = config.redis
    redisConfiguration.poolSize = max(redisConfiguration.poolSize, 2 * config.concurrency + 4)
    let redis = RedisClient(configuration: redisConfiguration)
    let keys = RedisKeys(prefix: config.redisKeyPrefix)
    let queue = JobQueue(redis: redis, keys: keys, retention: config.jobRetention)
    // The series exist from the start (empty until the maintenance loop's first refresh, a
    // moment later), so a scrape never finds the queue's metrics missing.
    QueueMetrics(queue: queue).record(QueueDepth(waiting: [:], delayed: 0, active: 0, dead: 0))
    let webhooks = RunWebhooks(runs: RunStore(client: postgres, logger: logger, callTimeout: config.databaseTimeout),
                               queue: queue)
    let relay = OutboxRelay(store: OutboxStore(client: postgres, logger: logger), bus: EventBus(redis: redis, keys: keys),
                            logger: logger, afterPublish: { try await webhooks.enqueueDeliveries(for: $0) })
    let runs = RunStore(client: postgres, logger: logger, callTimeout: config.databaseTimeout,
                        eventsCommitted: { relay.announce() })
    let llm = LLMProxyClient(baseURL: config.llmProxyURL, timeout: config.llmTimeout)
    let evaluator = CaseEvaluator(
        llm: llm, maxTokens: config.maxTokens,
        grader: LLMProxyGrader(client: llm, defaultModel: config.graderModel,
                               defaultEmbeddingModel: config.graderEmbeddingModel),
        limits: config.limits)
    let launcher = RunLauncher(store: runs, runs: PostgresRunRepository(client: postgres, logger: logger), queue: queue,
                               admission: config.admission)
    let handlers: [String: any JobHandler] = [
        ExecuteTestCaseJob.type: TestCaseJobHandler(executor: TestCaseExecutor(runs: runs, evaluator: evaluator)),
        StartRunJob.type: StartRunJobHandler(cards: PostgresCardRepository(client: postgres, logger: logger),
                                             launcher: launcher),
        WebhookDeliveryJob.type: WebhookDeliveryHandler(secrets: WebhookSecretRepository(client: postgres, logger: logger),
                                                        allowPrivate: config.webhookAllowPrivate,
                                                        timeout: config.webhookTimeout),
    ]
    let worker = WorkerService(queue: queue, handlers: handlers,
                               settler: DeadLetterSettler(queue: queue, handlers: handlers, runs: runs, logger: logger),
                               consumer: config.consumerName, concurrency: config.concurrency,
                               stallTimeout: config.stallTimeout, shutdownGrace: config.shutdownGrace,
                               limits: config.limits, inFlight: InFlightJobs(),
                               cancelListenerRedis: redis, logger: logger)
    let checks = [
        ReadinessCheck(name: "postgres", componentType: "datastore") { try await postgres.query("SELECT 1") },
        ReadinessCheck(name: "redis", componentType: "datastore") { _ = try await redis.send(["PING"]) },
        ReadinessCheck(name: "llm-proxy", componentType: "component") { try await HTTPProbe.expectOK(config.llmProxyURL + "/health/live") },
    ]
    let router = ServiceRouter.make(service: "queue-worker", checks: checks)
    // Shut down in reverse order: the worker finishes its jobs, then the relay publishes
    // their last events, then the clients close.
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server,
                                     services: [postgres, RedisClientService(client: redis), relay, worker], logger: logger)
}
