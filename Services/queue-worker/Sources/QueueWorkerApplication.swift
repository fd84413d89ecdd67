import Foundation
import Hummingbird
import Logging
import ModelGrading
import PostgresNIO
import Queue
import RedisClient
import ServiceKit
import Storage

/// Builds queue-worker: the worker loops as a service, plus the ops port with health and
/// metrics. The executable and tests both call this.
public func buildQueueWorker(config: QueueWorkerConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let postgres = PostgresClient(configuration: config.database, backgroundLogger: logger)
    let redis = RedisClient(configuration: config.redis)
    let keys = RedisKeys(prefix: config.redisKeyPrefix)
    let queue = JobQueue(redis: redis, keys: keys)
    let executor = TestCaseExecutor(
        ledger: RunLedger(client: postgres, logger: logger),
        llm: LLMClient(baseURL: config.llmProxyURL, timeout: config.llmTimeout, maxTokens: config.maxTokens),
        grader: LLMProxyGrader(baseURL: config.llmProxyURL, defaultModel: config.graderModel,
                               defaultEmbeddingModel: config.graderEmbeddingModel, timeout: config.llmTimeout),
        progress: RunProgressPublisher(events: EventBus(redis: redis, keys: keys)), limits: config.limits)
    let worker = WorkerService(queue: queue, executor: executor, consumer: config.consumerName,
                               concurrency: config.concurrency, stallTimeout: config.stallTimeout,
                               limits: config.limits, logger: logger)
    let checks = [
        ReadinessCheck(name: "postgres", componentType: "datastore") { try await postgres.query("SELECT 1") },
        ReadinessCheck(name: "redis", componentType: "datastore") { _ = try await redis.send(["PING"]) },
        ReadinessCheck(name: "llm-proxy", componentType: "component") { try await HTTPProbe.expectOK(config.llmProxyURL + "/health/live") },
    ]
    let router = ServiceRouter.make(service: "queue-worker", checks: checks)
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server,
                                     services: [postgres, RedisClientService(client: redis), worker], logger: logger)
}
