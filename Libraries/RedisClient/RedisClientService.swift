import ServiceLifecycle

/// Ties a `RedisClient`'s lifetime to the service group: it closes its connections when
/// the daemon shuts down, after the HTTP server has drained.
public struct RedisClientService: Service {
    public let client: RedisClient

    public init(client: RedisClient) {
        self.client = client
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await client.shutdown()
    }
}
