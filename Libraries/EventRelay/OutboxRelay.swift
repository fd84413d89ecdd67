import Budgets
import Events
import Logging
import EventStreams
import ServiceLifecycle
import Storage

/// Publishes the outbox to the channels' history streams: a lifecycle service in every
/// daemon that writes events (cards-api and queue-worker), so each publishes its own events
/// the moment they commit (`announce()`, rung by `RunStore`) and any replica picks up what
/// another left behind (a poll each `pollInterval`). `OutboxStore`'s advisory lock lets one
/// relay work at a time, and `EventBus.publish` skips events already out, so several
/// replicas, or a relay that died mid-batch, never publish an event twice.
public struct OutboxRelay: Service {
    let store: OutboxStore
    let bus: EventBus
    let logger: Logger
    let pollInterval: Duration
    let batchSize: Int
    /// Runs after each batch is published and before it leaves the outbox (so it is retried
    /// with the batch when it fails): the work that must follow an event at least once, such
    /// as enqueueing a run's webhook (`RunWebhooks`), idempotently.
    let afterPublish: (@Sendable ([OutboxEvent]) async throws -> Void)?
    private let doorbell = Doorbell()
    /// The longest one batch may take (read, publish, delete).
    static let batchDeadline = Duration.seconds(10)

    public init(store: OutboxStore, bus: EventBus, logger: Logger, pollInterval: Duration = .seconds(1),
                batchSize: Int = 500, afterPublish: (@Sendable ([OutboxEvent]) async throws -> Void)? = nil) {
        self.store = store
        self.bus = bus
        self.logger = logger
        self.pollInterval = pollInterval
        self.batchSize = batchSize
        self.afterPublish = afterPublish
    }

    /// Tells the relay that events were committed: it publishes them now rather than at its next poll.
    public func announce() {
        doorbell.ring()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            var failures = 0
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await drain()
                    failures = 0
                    await doorbell.wait(timeout: pollInterval)
                } catch {
                    failures += 1
                    let delay = min(Duration.milliseconds(100) * (1 << min(failures, 6)), .seconds(5))
                    logger.warning("relaying events failed; retrying", metadata: [
                        "error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
                    await doorbell.wait(timeout: delay)
                }
            }
        } onGracefulShutdown: {
            doorbell.ring()
        }
        // Shut down gracefully (after the daemon's other work stopped): what it committed last
        // goes out now. Left over on failure, it goes out with the next relay that runs.
        if !Task.isCancelled {
            do {
                try await drain()
            } catch {
                logger.warning("events left in the outbox at shutdown", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }

    /// Publishes batches until the outbox is empty. While another relay holds the lock it
    /// tries again shortly: that relay may have read the outbox before this one's events committed.
    func drain() async throws {
        var busyRounds = 0
        while !Task.isCancelled {
            // Bounded: a Postgres or Redis that stopped answering must not hold the relay (or,
            // at shutdown, the daemon) forever; the batch rolls back and is tried again.
            let (store, bus, limit, afterPublish) = (self.store, self.bus, batchSize, self.afterPublish)
            let outcome = try await withDeadline(Self.batchDeadline) {
                try await store.relayBatch(limit: limit, publish: { events in
                    _ = try await bus.publish(events)
                    try await afterPublish?(events)
                })
            }
            switch outcome {
            case .relayed(let count) where count >= batchSize:
                continue
            case .relayed, .notMigrated:
                return
            case .busy:
                busyRounds += 1
                if busyRounds > 200 { return }  // ~10 s: the other relay is slow; the poll comes back
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
