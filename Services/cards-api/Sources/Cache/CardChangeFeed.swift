import Budgets
import Logging
import PostgresNIO
import ServiceKit
import ServiceLifecycle
import Storage

/// Keeps `CardCache` honest: one Postgres session LISTENs on `cards_changed` and applies
/// every notification. While the session is down the cache is off (every read goes to
/// Postgres); it starts empty once the session is back, since changes went unheard.
struct CardChangeFeed: Service {
    let configuration: PostgresConnection.Configuration
    let cache: CardCache
    let logger: Logger
    /// How often the session proves it is alive: a peer that vanished without closing the
    /// socket is noticed within `probeInterval + probeTimeout`.
    var probeInterval: Duration = .seconds(5)
    var probeTimeout: Duration = .seconds(2)

    /// How the session shows in `pg_stat_activity`.
    static let applicationName = "cards-api card-change-feed"

    struct SessionEnded: Error, CustomStringConvertible {
        var description: String { "the LISTEN session ended" }
    }

    func run() async throws {
        guard cache.isEnabled else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var delay = Duration.milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await listen { delay = .milliseconds(100) }
                } catch {
                    cache.setListening(false)
                    if Task.isCancelled { break }
                    logger.warning("card change feed lost, cache off until it is back",
                                   metadata: ["error": "\(String(reflecting: error))", "retry_in": "\(delay)"])
                }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// One session: connect, LISTEN, then apply notifications and probe until either fails.
    private func listen(connected: () -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            try await connection.listen(on: CardChangeNotification.channel) { notifications in
                cache.setListening(true)
                connected()
                logger.debug("card change feed listening")
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await apply(notifications) }
                    group.addTask { try await probe(connection) }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func apply(_ notifications: PostgresNotificationSequence) async throws {
        for try await notification in notifications {
            if let change = CardChangeNotification(payload: notification.payload) {
                cache.apply(change)
            } else {
                logger.warning("unreadable card change notification, dropping the whole cache",
                               metadata: ["payload": "\(notification.payload.prefix(100))"])
                cache.apply(.all)
            }
        }
        throw SessionEnded()
    }

    private func probe(_ connection: PostgresConnection) async throws {
        let logger = self.logger
        while true {
            try await Task.sleep(for: probeInterval)
            try await withDeadline(probeTimeout) { _ = try await connection.query("SELECT 1", logger: logger) }
        }
    }
}
