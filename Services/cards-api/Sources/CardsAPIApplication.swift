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

/// Builds cards-api: Postgres (migrated before the server accepts requests), Redis for
/// the job queue and events, and the controllers. The executable and tests both call this.
public func buildCardsAPI(config: CardsAPIConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let parts = try await makeCardsAPI(config: config, logger: logger)
    var app = ServiceRouter.application(
        responder: parts.router.buildResponder(), server: config.server,
        services: [parts.postgres, RedisClientService(client: parts.redis), parts.relay, parts.cardChanges], logger: logger)
    let (postgres, users, hasher) = (parts.postgres, parts.users, parts.hasher)
    app.beforeServerStarts {
        try await Migrator(client: postgres, logger: logger).migrate()
        _ = try await config.bootstrapAdmin?.apply(users: users, hasher: hasher, logger: logger)
    }
    return app
}

/// What `makeCardsAPI` builds: the router and the clients and parts start-up needs.
struct CardsAPIParts {
    let router: Router<ServiceRequestContext>
    let postgres: PostgresClient
    let redis: RedisClient
    let queue: JobQueue
    let cardChanges: CardChangeFeed
    /// Publishes the events cards-api commits (`run.queued`, `run.cancelled`, `run.failed`).
    let relay: OutboxRelay
    let users: any UserRepository
    let hasher: PasswordHasher
}

/// Every route cards-api serves, as `METHOD /path` (what the API document must describe).
public func cardsAPIRoutes(config: CardsAPIConfig, logger: Logger) async throws -> [String] {
    try await makeCardsAPI(config: config, logger: logger).router.routes.map { "\($0.method) \($0.path)" }
}

/// The router and the clients it needs; nothing connects until the clients run.
func makeCardsAPI(config: CardsAPIConfig, logger: Logger) async throws -> CardsAPIParts {
    let postgres = PostgresClient(configuration: config.database, backgroundLogger: logger)
    let cardCache = CardCache(limits: config.cardCache)
    let cardChanges = CardChangeFeed(configuration: config.databaseSession, cache: cardCache, logger: logger)
    let redis = RedisClient(configuration: config.redis)
    let keys = RedisKeys(prefix: config.redisKeyPrefix)
    let tokens = await AccessTokens(secret: config.jwtSecret, lifetime: config.accessTokenLifetime)
    let hasher = try await PasswordHasher.make(cost: config.bcryptCost)

    let users = PostgresUserRepository(client: postgres, logger: logger)
    let cards = InvalidatingCardRepository(base: PostgresCardRepository(client: postgres, logger: logger), cache: cardCache)
    let testCases = PostgresTestCaseRepository(client: postgres, logger: logger)
    let runs = PostgresRunRepository(client: postgres, logger: logger)
    let queue = JobQueue(redis: redis, keys: keys)
    // A run cancelled here ends here: its webhook is enqueued as its event is relayed.
    let webhooks = RunWebhooks(runs: RunStore(client: postgres, logger: logger), queue: queue)
    let relay = OutboxRelay(store: OutboxStore(client: postgres, logger: logger), bus: EventBus(redis: redis, keys: keys),
                            logger: logger, afterPublish: { try await webhooks.enqueueDeliveries(for: $0) })
    let store = RunStore(client: postgres, logger: logger, eventsCommitted: { relay.announce() })

    let checks = [
        ReadinessCheck(name: "postgres", componentType: "datastore") { try await postgres.query("SELECT 1") },
        ReadinessCheck(name: "redis", componentType: "datastore") { _ = try await redis.send(["PING"]) },
    ]
    let router = ServiceRouter.make(service: "cards-api", checks: checks)
    OpenAPIController().register(on: router)
    let apiKeys = PostgresAPIKeyRepository(client: postgres, logger: logger)
    let authentication = AuthenticationMiddleware<ServiceRequestContext>(
        tokens: tokens, apiKeys: DatabaseAPIKeyAuthenticator(keys: apiKeys))
    AuthController(users: users, refreshTokens: PostgresRefreshTokenRepository(client: postgres, logger: logger),
                   tokens: tokens, hasher: hasher, refreshLifetime: config.refreshTokenLifetime)
        .register(on: router, authentication: authentication)
    let api = router.group("/api/v1").add(middleware: authentication)
    APIKeysController(keys: apiKeys).register(on: api)
    PromptfooController(cards: cards, testCases: testCases, limits: config.limits).register(on: api)
    AnalyticsController(cards: cards, analytics: PostgresAnalyticsRepository(client: postgres, logger: logger)).register(on: api)
    CardsController(cards: cards, reads: CardReads(cards: cards, cache: cardCache), searchDepth: config.limits.searchDepth)
        .register(on: api)
    TestCasesController(cards: cards, testCases: testCases, limits: config.limits.assertions).register(on: api)
    AssertionsController(grader: LLMProxyGrader(client: LLMProxyClient(baseURL: config.llmProxyURL),
                                                defaultModel: config.graderModel,
                                                defaultEmbeddingModel: config.graderEmbeddingModel),
                         limits: config.limits.assertions).register(on: api)
    JobsController(queue: queue).register(on: api)
    WebhooksController(secrets: WebhookSecretRepository(client: postgres, logger: logger)).register(on: api)
    RunsController(cards: cards, runs: runs,
                   launcher: RunLauncher(store: store, runs: runs, queue: queue, admission: RunAdmission(
                       jobsPerRun: config.limits.jobsPerRun, activeRunsPerUser: config.limits.activeRunsPerUser,
                       queuedJobsPerUser: config.limits.queuedJobsPerUser)),
                   store: store).register(on: api)

    return CardsAPIParts(router: router, postgres: postgres, redis: redis, queue: queue, cardChanges: cardChanges,
                         relay: relay, users: users, hasher: hasher)
}
