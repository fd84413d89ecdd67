import EventRelay
import Events
import Foundation
import HummingbirdWSClient
import Logging
import PostgresNIO
import EventStreams
import RedisClient
import RunTestSupport
import Storage
import Synchronization
import TestSupport
import Testing

/// The path from a committed state change to a client: `RunStore` writes the event in the
/// change's transaction, the relay publishes it, the real realtime binary delivers it.
@Suite(.timeLimit(.minutes(5))) struct OutboxDeliveryTests {
    static let logger: Logger = {
        var logger = Logger(label: "outbox-delivery-test")
        logger.logLevel = .error
        return logger
    }()

    /// Redis refuses every write at the moment the run's last result is recorded (and the
    /// run finalized): the events wait in the outbox, and once Redis takes writes again
    /// `run.completed` reaches the subscribed WebSocket client, exactly once. Before the
    /// outbox, the failed publish after the commit was lost for good.
    @Test func runCompletedReachesAWebSocketClientOnceAfterRedisRefusedWritesAtFinalize() async throws {
        // A Redis of its own: refusing writes on the shared one would fail other tests.
        let server = try await RedisServer.start()
        defer { Task { await server.stop() } }
        try await TestDatabase.with { database, _ in
            try await Migrator(client: database, logger: Self.logger).migrate()
            try await CardsAPIStandIn.withRunning(grantingAll: true) { cardsAPI, _ in
                try await RealtimeProcess.with(cardsAPIURL: cardsAPI, settings: ["REDIS_URL": server.url]) { realtime in
                    try await deliver(database: database, redisURL: server.url, realtime: realtime)
                }
            }
        }
    }

    private func deliver(database: PostgresClient, redisURL: String, realtime: RealtimeProcess) async throws {
        let redis = RedisClient(configuration: try RedisConfiguration(url: redisURL))
        defer { Task { await redis.shutdown() } }
        let outbox = OutboxStore(client: database, logger: Self.logger)
        let relay = OutboxRelay(store: outbox, bus: EventBus(redis: redis, keys: RedisKeys(prefix: realtime.keyPrefix)),
                                logger: Self.logger, pollInterval: .milliseconds(200))
        let store = RunStore(client: database, logger: Self.logger, eventsCommitted: { relay.announce() })
        let fixture = RunFixture(database: database, logger: Self.logger)
        let run = try await fixture.storedRun()
        let testCase = try #require(try await fixture.testCases(of: run).first)
        let token = try await realtime.token(for: run.ownerID)
        let types = Mutex<[String]>([])

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await relay.run() }
            defer { group.cancelAll() }
            try await WebSocketClient.connect(url: realtime.wsURL + "?access_token=\(token)",
                                              logger: Logger(label: "rt-test")) { inbound, outbound, _ in
                try await outbound.write(.text(#"{"op":"subscribe","channel":"\#(EventChannel.run(run.id))","since":"0"}"#))
                var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                func nextType() async throws -> String? {
                    while let message = try await messages.next() {
                        guard case .text(let text) = message,
                              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        else { continue }
                        if let type = object["type"] as? String { return type }
                    }
                    return nil
                }
                // run.queued, relayed while Redis still took writes.
                while let type = try await nextType() {
                    types.withLock { $0.append(type) }
                    if type == "run.queued" { break }
                }

                _ = try await redis.send(["CONFIG", "SET", "min-replicas-to-write", "1"])
                do {
                    _ = try await redis.send(["SET", "probe", "1"])
                    Issue.record("Redis still takes writes")
                } catch {
                    #expect("\(error)".contains("NOREPLICAS"), "Redis refuses writes: \(error)")
                }
                let progress = try #require(try await store.record(
                    RunFixture.result(of: run, testCase: testCase, jobID: "job-1")))
                #expect(progress.finished?.status == .completed, "the run is final in Postgres")
                // The relay has tried (it was rung at the commit) and failed: the events wait.
                try await Task.sleep(for: .seconds(1))
                #expect(try await outbox.backlog().count == 4, "case.completed, run.progress, run.completed ×2 channels")

                _ = try await redis.send(["CONFIG", "SET", "min-replicas-to-write", "0"])
                while let type = try await nextType() {
                    types.withLock { $0.append(type) }
                    if type == "run.completed" { break }
                }
                // Anything repeated would follow at once; give it the time of several relay polls.
                try await outbound.write(.text(#"{"op":"unsubscribe","channel":"\#(EventChannel.run(run.id))"}"#))
                while let message = try await messages.next() {
                    guard case .text(let text) = message else { continue }
                    if text.contains("unsubscribed") { break }
                    if let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                       let type = object["type"] as? String {
                        types.withLock { $0.append(type) }
                    }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        let seen = types.withLock { $0 }
        #expect(seen.filter { $0 == "run.completed" }.count == 1, "\(seen)")
        #expect(seen == ["run.queued", "case.completed", "run.progress", "run.completed"], "\(seen)")
        #expect(try await outbox.backlog().count == 0)
    }
}
