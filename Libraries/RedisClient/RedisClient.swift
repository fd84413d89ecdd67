/// A pooled Redis client: call it from any task; each call borrows one connection.
///
/// hiredis blocks, so every connection runs on a thread of its own and callers only suspend.
/// After a Redis restart the client reconnects by itself: dead connections are dropped, and a
/// call that hits a stale idle connection is retried once on a new one.
public final class RedisClient: Sendable {
    /// The settings the client was made with.
    public let configuration: RedisConfiguration
    private let pool: RedisConnectionPool

    /// Creates the client; no connection is opened until the first call.
    public init(configuration: RedisConfiguration) {
        self.configuration = configuration
        self.pool = RedisConnectionPool(configuration: configuration)
    }

    /// One command; arguments are binary-safe. An error reply throws `RedisError.server`.
    public func send(_ arguments: [String]) async throws -> RESPValue {
        try await send(bytes: arguments.map { Array($0.utf8) })
    }

    /// One command written out as words, e.g. `send("SET", key, value)`.
    public func send(_ command: String, _ arguments: String...) async throws -> RESPValue {
        try await send([command] + arguments)
    }

    /// One command whose arguments are raw bytes (binary keys and values).
    public func send(bytes arguments: [[UInt8]]) async throws -> RESPValue {
        guard !arguments.isEmpty else { throw RedisError.protocolError("empty command") }
        return try await withConnection { connection throws(RedisError) in
            try await connection.send(arguments)
        }
    }

    /// Several commands written in one go, replies in order (error replies come back as
    /// `.error` inside the array, not thrown).
    public func pipeline(_ commands: [[String]]) async throws -> [RESPValue] {
        try await pipeline(bytes: commands.map { $0.map { Array($0.utf8) } })
    }

    /// A pipeline whose arguments are raw bytes.
    public func pipeline(bytes commands: [[[UInt8]]]) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        guard !commands.contains(where: \.isEmpty) else { throw RedisError.protocolError("empty command in pipeline") }
        return try await withConnection { connection throws(RedisError) in
            try await connection.pipeline(commands)
        }
    }

    /// A fresh subscriber on its own connection and thread (pub/sub needs a dedicated connection).
    public func makeSubscriber() -> RedisSubscriber {
        RedisSubscriber(configuration: configuration)
    }

    /// Closes every pooled connection; later calls throw `RedisError.closed`. Calls blocked in
    /// a command (e.g. `BLPOP`) are interrupted. Subscribers are separate: close them yourself.
    public func shutdown() async {
        await pool.shutdown()
    }

    /// Borrows a connection for `body`. A connection error on a connection that had been idle
    /// (typically: Redis restarted since it was last used) is retried once on a new connection.
    private func withConnection<Value: Sendable>(
        _ body: (RedisConnection) async throws(RedisError) -> Value
    ) async throws -> Value {
        let lease = try await pool.lease()
        do {
            return try await run(body, on: lease.connection)
        } catch .connection where lease.wasIdle {
            // Fall through to one retry; the other idle connections are likely stale too.
        }
        let retry = try await pool.lease(discardingIdle: true)
        return try await run(body, on: retry.connection)
    }

    private func run<Value: Sendable>(
        _ body: (RedisConnection) async throws(RedisError) -> Value,
        on connection: RedisConnection
    ) async throws(RedisError) -> Value {
        do {
            let value = try await body(connection)
            pool.release(connection)
            return value
        } catch {
            pool.release(connection)
            // A call interrupted by shutdown() reports the shutdown, not the broken socket.
            if pool.isClosed { throw .closed }
            throw error
        }
    }
}
