import Foundation
import HealthService
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import ServiceKit
import Storage
import TestSupport
import Testing

/// healthd's `event-outbox` check on a real Postgres: an event left unpublished past
/// `OUTBOX_MAX_AGE_SECONDS` (no relay is publishing) fails it, naming the backlog — a
/// non-critical check, so on its own it makes the suite's status warn, not fail — and it
/// passes again once the outbox drains.
@Suite struct OutboxCheckTests {
    static let logger = Logger(label: "healthd-test")

    @Test func aStaleOutboxFailsItsCheckAndADrainedOnePasses() async throws {
        try await TestDatabase.with { database, url in
            try await Migrator(client: database, logger: Self.logger).migrate()
            try await database.query("""
                INSERT INTO event_outbox (channel, type, data, created_at)
                VALUES ('run:x', 'run.completed', '{}'::jsonb, now() - interval '10 minutes')
                """)
            try await ClosedPort.with { closed in
                let nowhere = "http://127.0.0.1:\(closed)"
                let env = EnvironmentReader([
                    "PORT": "0", "HOST": "127.0.0.1", "DATABASE_URL": url, "REDIS_URL": try TestEnvironment.redisURL(),
                    "OUTBOX_MAX_AGE_SECONDS": "60", "PROBE_INTERVAL_MS": "200",
                    "GATEWAY_URL": nowhere, "CARDS_API_URL": nowhere, "REALTIME_URL": nowhere,
                    "QUEUE_WORKER_URL": nowhere, "LLM_PROXY_URL": nowhere,
                ])
                let app = try await buildHealthd(config: HealthConfig(env), logger: Self.logger)
                try await app.test(.live) { client in
                    // Waits for the backlog verdict itself: on a loaded machine a probe may first
                    // fail by timing out, which is a fail too, but not the one under test.
                    let stale = try await Self.outboxCheck(client) {
                        ($0["output"] as? String)?.contains("events wait to be published") == true
                    }
                    #expect(stale["status"] as? String == "fail", "\(stale)")
                    #expect((stale["output"] as? String)?.contains("1 events wait to be published") == true, "\(stale)")

                    try await database.query("DELETE FROM event_outbox")
                    let drained = try await Self.outboxCheck(client) { $0["status"] as? String == "pass" }
                    #expect(drained["output"] == nil, "\(drained)")
                }
            }
        }
    }

    /// Polls `/health` until the `event-outbox` check satisfies `condition` (the monitor
    /// probes in the background), and returns it.
    static func outboxCheck(_ client: some TestClientProtocol,
                            until condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let started = ContinuousClock.now
        var last: [String: Any] = [:]
        while ContinuousClock.now - started < .seconds(120) {
            let document = try await client.execute(uri: "/health", method: .get) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
            let checks = document?["checks"] as? [String: Any]
            last = (checks?["event-outbox:responseTime"] as? [[String: Any]])?.first ?? [:]
            if condition(last) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the event-outbox check never got there; last seen: \(last)")
        return last
    }
}
