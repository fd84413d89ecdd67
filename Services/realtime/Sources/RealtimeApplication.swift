import Hummingbird
import HummingbirdWebSocket
import Logging
import Queue
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
    let authenticated = router.group().add(middleware: AuthenticationMiddleware<RealtimeRequestContext>(tokens: tokens))
    let access = ChannelAccess(cardsAPIURL: config.cardsAPIURL)
    let session = WebSocketSession(hub: hub, access: access, maxChannels: config.maxChannelsPerConnection, logger: logger)
    authenticated.ws("/ws") { inbound, outbound, context in
        // The middleware admitted the upgrade, so both are present.
        guard let identity = context.requestContext.identity,
              let token = AuthenticationMiddleware<RealtimeRequestContext>.token(in: context.request) else { return }
        try await session.run(inbound: inbound, outbound: outbound, caller: .init(identity: identity, token: token))
    }
    authenticated.get("/events", use: EventStreamController(hub: hub, access: access).stream)

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
