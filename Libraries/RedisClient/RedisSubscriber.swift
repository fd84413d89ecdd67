/// Something that arrived on a subscriber's connection.
public enum RedisPubSubEvent: Sendable, Equatable {
    /// A message published to a channel subscribed with `subscribe`.
    case message(channel: String, payload: [UInt8])
    /// A message published to a channel matching a pattern subscribed with `psubscribe`.
    case pmessage(pattern: String, channel: String, payload: [UInt8])
    /// The connection dropped and was restored with every subscription; messages published
    /// in between may have been missed, so consumers should resynchronise.
    case reconnected
}

/// A pub/sub subscriber on its own connection and thread, which reconnects by itself.
///
/// Subscribing can happen at any time, also while messages are flowing. If the connection
/// drops, it reconnects with backoff (50 ms doubling to 2 s), subscribes again to everything
/// and yields `.reconnected`. Requests made while Redis is down wait until it is back.
public final class RedisSubscriber: Sendable {
    /// Messages and reconnect notices, in arrival order. Single consumer; the stream finishes
    /// on `close()`. Unbounded: a consumer that stops reading makes it grow.
    public let events: AsyncStream<RedisPubSubEvent>
    private let engine: SubscriberEngine

    init(configuration: RedisConfiguration) {
        let (events, continuation) = AsyncStream.makeStream(of: RedisPubSubEvent.self)
        self.events = events
        self.engine = SubscriberEngine(configuration: configuration, events: continuation)
        engine.start()
    }

    deinit {
        // Lets the thread exit even if the owner forgot close().
        engine.requestClose()
    }

    /// Subscribes to channels; returns once Redis has confirmed each one.
    public func subscribe(_ channels: [String]) async throws {
        try await engine.perform(.subscribe, channels)
    }

    /// Unsubscribes from channels (all of them when empty); returns once Redis confirmed.
    public func unsubscribe(_ channels: [String]) async throws {
        try await engine.perform(.unsubscribe, channels)
    }

    /// Subscribes to glob patterns such as `cards.*`; returns once Redis has confirmed each one.
    public func psubscribe(_ patterns: [String]) async throws {
        try await engine.perform(.psubscribe, patterns)
    }

    /// Unsubscribes from patterns (all of them when empty); returns once Redis confirmed.
    public func punsubscribe(_ patterns: [String]) async throws {
        try await engine.perform(.punsubscribe, patterns)
    }

    /// Stops the thread promptly, closes the connection and finishes `events`; pending and
    /// later (un)subscribe calls throw `RedisError.closed`.
    public func close() async {
        await engine.close()
    }
}
