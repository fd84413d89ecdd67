import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import RedisClient
import ServiceKit
import Storage

/// The outbox holds events older than healthd tolerates.
struct OutboxStalled: Error, CustomStringConvertible {
    let events: Int
    let oldest: Duration
    var description: String {
        "\(events) events wait to be published, the oldest for \(oldest.components.seconds) s: no relay is publishing"
    }
}

/// Builds healthd: the background monitor plus `/health` (health+json), `/livez` and
/// `/readyz`, all answered from the monitor's latest snapshot.
public func buildHealthd(config: HealthConfig, logger: Logger) async throws -> some ApplicationProtocol {
    var database = config.database
    database.options.maximumConnections = 2
    let postgres = PostgresClient(configuration: database, backgroundLogger: logger)
    let redis = RedisClient(configuration: config.redis)

    var probes: [HealthMonitor.Probe] = [
        .init(component: "postgres", componentType: "datastore", critical: true) { try await postgres.query("SELECT 1") },
        .init(component: "redis", componentType: "datastore", critical: true) { _ = try await redis.send(["PING"]) },
        // Events committed but not yet published: a backlog that does not drain means no relay
        // is publishing (Redis refuses writes, or no cards-api or worker runs). Runs still
        // finish; their watchers just hear nothing until it clears.
        .init(component: "event-outbox", componentType: "component", critical: false) {
            let backlog = try await OutboxStore(client: postgres, logger: logger).backlog()
            if let age = backlog.oldestAge, age > config.outboxMaxAge {
                throw OutboxStalled(events: backlog.count, oldest: age)
            }
        },
    ]
    for daemon in config.daemons {
        // The API path cannot work without these; the others degrade the suite.
        let critical = ["gateway", "cards-api"].contains(daemon.name)
        probes.append(.init(component: daemon.name, componentType: "component", critical: critical) {
            try await HTTPProbe.expectOK(daemon.url + "/health/ready", timeout: config.timeout)
        })
    }
    let monitor = HealthMonitor(probes: probes, interval: config.interval, timeout: config.timeout, logger: logger)

    let router = ServiceRouter.make(service: "healthd", checks: [])
    router.get("/health") { _, _ in
        let results = monitor.snapshot
        let status = HealthReport.status(of: results, now: .now, staleAfter: monitor.staleAfter)
        return Response(status: status == .fail ? .serviceUnavailable : .ok,
                        headers: [.contentType: HealthReport.mediaType, .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: HealthReport.document(results: results, status: status))))
    }
    router.get("/livez") { _, _ in "ok" }
    router.get("/readyz") { _, _ -> Response in
        let status = HealthReport.status(of: monitor.snapshot, now: .now, staleAfter: monitor.staleAfter)
        return Response(status: status == .fail ? .serviceUnavailable : .ok, headers: [.contentType: "text/plain"],
                        body: .init(byteBuffer: ByteBuffer(string: status.rawValue)))
    }
    return ServiceRouter.application(responder: router.buildResponder(), server: config.server,
                                     services: [postgres, RedisClientService(client: redis), monitor], logger: logger)
}
