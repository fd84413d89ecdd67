import Foundation
import RedisClient
import Synchronization
import Testing
import TestSupport

/// Runs `body` against a private redis-server and a fresh client, then shuts both down,
/// also when `body` throws, so no test leaks a server or connection threads.
@discardableResult
func withRedis<Value>(
    poolSize: Int = 16,
    _ body: (RedisServer, RedisClient) async throws -> Value
) async throws -> Value {
    let server = try await RedisServer.start()
    var configuration = try RedisConfiguration(url: server.url)
    configuration.poolSize = poolSize
    let client = RedisClient(configuration: configuration)
    do {
        let value = try await body(server, client)
        await client.shutdown()
        await server.stop()
        return value
    } catch {
        await client.shutdown()
        await server.stop()
        throw error
    }
}

/// The message of the `RedisError.server` that `body` throws; records an issue and returns
/// nil if it succeeds or throws anything else.
func serverErrorMessage(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> RESPValue
) async -> String? {
    do {
        let reply = try await body()
        Issue.record("expected a server error, got \(reply)", sourceLocation: sourceLocation)
    } catch RedisError.server(let message) {
        return message
    } catch {
        Issue.record("expected a server error, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// Seconds elapsed while running `body`, for "this must be prompt" assertions.
func measure<Value>(_ body: () async throws -> Value) async rethrows -> (value: Value, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let value = try await body()
    let elapsed = start.duration(to: clock.now)
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Drains a subscriber's event stream in the background, so a test can wait for events with
/// a deadline instead of hanging on `for await` if something never arrives.
final class EventRecorder: Sendable {
    private let received = Mutex<[RedisPubSubEvent]>([])
    private let finished = Atomic<Bool>(false)

    private init() {}

    /// Starts recording `stream`.
    static func recording(_ stream: AsyncStream<RedisPubSubEvent>) -> EventRecorder {
        let recorder = EventRecorder()
        Task {
            for await event in stream { recorder.received.withLock { $0.append(event) } }
            recorder.finished.store(true, ordering: .releasing)
        }
        return recorder
    }

    /// Everything received so far.
    var events: [RedisPubSubEvent] { received.withLock { $0 } }

    /// True once the stream has finished.
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Waits until `condition` holds for the events so far; false if it did not within `timeout`.
    func wait(
        timeout: Duration = .seconds(10),
        until condition: ([RedisPubSubEvent]) -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(events) { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition(events)
    }

    /// Waits for at least `count` events and returns the first `count` (fewer on timeout).
    func first(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [RedisPubSubEvent] {
        _ = try await wait(timeout: timeout) { $0.count >= count }
        return Array(events.prefix(count))
    }
}

extension RedisPubSubEvent {
    /// A text message, for compact expectations.
    static func message(_ channel: String, _ payload: String) -> RedisPubSubEvent {
        .message(channel: channel, payload: Array(payload.utf8))
    }
}
