import Budgets
import Hummingbird
import HummingbirdWebSocket
import Logging
import EventStreams
import RedisClient
import ServiceKit
import ServiceLifecycle

/// Builds realtime: `/ws` (WebSocket) and `/events` (SSE), both authenticated, each
/// channel readable only by whom cards-api lets read its run or card, fed by the channel
/// hub. The executable and tests both call this.
public func buildRealtime(config: RealtimeConfig, logger: Logger) async throws -> some ApplicationProtocol {
    let redis = RedisClient(configuration: config.redis)
    let keys = RedisKeys(prefix: config.redisKeyPrefix)
    let hub = ChannelHub(bus: EventBus(redis: redis, keys: keys), keys: keys, subscriber: redis.makeSubscriber(), logger: logger)
    let tokens = await AccessTokens(secret: config.jwtSecret)

    let checks = [ReadinessCheck(name: "redis", componentType: "datastore") { _ = try await redis.send(["PING"]) }]
    let router = ServiceRouter.make(service: "realtime", checks: checks, context: RealtimeRequestContext.self)
    // Browsers cannot set headers on a WebSocket or an EventSource: these two routes (and
    // only these) take the token as `?access_token=` too; logs redact it (LogRedaction).
    let authenticated = router.group()
        .add(middleware: AuthenticationMiddleware<RealtimeRequestContext>(tokens: tokens, acceptingTokenInQuery: true))
    let access = ChannelAccess(cardsAPIURL: config.cardsAPIURL, refusalTTL: config.refusalTTL)
    let connections = ConnectionLimiter(config.limits)
    let session = WebSocketSession(hub: hub, access: access, limits: config.limits, logger: logger)
    authenticated.ws("/ws", shouldUpgrade: { request, context in
        // Over a connection cap: a 429 problem instead of the upgrade.
        try connections.checkRoom(user: try context.requireIdentity().userID,
                                  address: ClientAddress.of(request, peer: context.peer))
        return .upgrade([:])
    }, onUpgrade: { inbound, outbound, context in
        // The middleware admitted the upgrade, so both are present.
        guard let identity = context.requestContext.identity,
              let token = AuthenticationMiddleware<RealtimeRequestContext>.token(in: context.request,
                                                                                 acceptingQuery: true)
        else { return }
        let address = ClientAddress.of(context.request, peer: context.requestContext.peer)
        do {
            try await connections.holding(user: identity.userID, address: address) {
                let caller = WebSocketSession.Caller(identity: identity, token: token)
                try await session.run(inbound: inbound, outbound: outbound, caller: caller)
            }
        } catch let exceeded as BudgetExceeded {
            // Lost a race for the last slot since the check: say why in the close frame.
            try? await outbound.close(.policyViolation, reason: String(exceeded.budget.name.prefix(123)))
        }
    })
    let events = EventStreamController(hub: hub, access: access, connections: connections,
                                       queuedFrames: config.limits.queuedFramesPerConnection)
    authenticated.get("/events", use: events.stream)

    return ServiceRouter.application(
        responder: router.buildResponder(), server: config.server,
        services: [RedisClientService(client: redis), HubService(hub: hub)], logger: logger,
        http: .http1WebSocketUpgrade(webSocketRouter: router))
}

/// Runs the hub's notification loop for the daemon's lifetime.
struct HubService: Service {
    let hub: ChannelHub

    func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            await hub.run()
        } onCancelOrGracefulShutdown: {
            Task { await hub.close() }
        }
    }
}
