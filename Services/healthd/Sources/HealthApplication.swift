import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Queue
import RedisClient
import ServiceKit
import Storage

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
