import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Queue
import RedisClient
import ServiceKit
import Storage

/// Builds cards-api: Postgres (migrated before the server accepts requests), Redis for
/// the job queue and events, and the controllers. The executable and tests both call this.
public func buildCardsAPI(config: CardsAPIConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let postgres = PostgresClient(configuration: config.database, backgroundLogger: logger)
    let redis = RedisClient(configuration: config.redis)
    let keys = RedisKeys(prefix: config.redisKeyPrefix)
    let tokens = await AccessTokens(secret: config.jwtSecret, lifetime: config.accessTokenLifetime)
    let hasher = try await PasswordHasher.make(cost: config.bcryptCost)

    let users = PostgresUserRepository(client: postgres, logger: logger)
    let cards = PostgresCardRepository(client: postgres, logger: logger)
    let testCases = PostgresTestCaseRepository(client: postgres, logger: logger)
    let runs = PostgresRunRepository(client: postgres, logger: logger)
    let events = EventBus(redis: redis, keys: keys)
    let queue = JobQueue(redis: redis, keys: keys)

    let checks = [
        ReadinessCheck(name: "postgres", componentType: "datastore") { try await postgres.query("SELECT 1") },
        ReadinessCheck(name: "redis", componentType: "datastore") { _ = try await redis.send(["PING"]) },
    ]
    let router = ServiceRouter.make(service: "cards-api", checks: checks)
    AuthController(users: users, refreshTokens: PostgresRefreshTokenRepository(client: postgres, logger: logger),
                   tokens: tokens, hasher: hasher, refreshLifetime: config.refreshTokenLifetime).register(on: router)
    let api = router.group("/api/v1").add(middleware: BearerAuthMiddleware(tokens: tokens))
    CardsController(cards: cards).register(on: api)
    TestCasesController(cards: cards, testCases: testCases).register(on: api)
    RunsController(cards: cards, testCases: testCases, runs: runs,
                   launcher: RunLauncher(runs: runs, queue: queue, events: events), events: events).register(on: api)

    var app = ServiceRouter.application(
        responder: router.buildResponder(), server: config.server,
        services: [postgres, RedisClientService(client: redis)], logger: logger)
    app.beforeServerStarts {
        try await Migrator(client: postgres, logger: logger).migrate()
        try await queue.ensureGroup()
    }
    return app
}
