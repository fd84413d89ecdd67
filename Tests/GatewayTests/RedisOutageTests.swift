import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// Without Redis the limiter cannot decide: by default requests keep flowing (counted as
/// `failed_open`), with `RATE_LIMIT_FAILURE_MODE=closed` they are refused with 503. Neither
/// waits longer than the limiter's timeout.
@Suite struct RedisOutageTests {
    func status(_ gateway: GatewayProcess, token: String) async throws -> (Int, String?) {
        var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/cards")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers["retry-after"].first)
    }

    func metric(_ gateway: GatewayProcess, _ decision: String) async throws -> Double {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: gateway.baseURL + "/metrics"), timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        let line = text.split(separator: "\n").first {
            $0.hasPrefix("pcs_rate_limit_decisions_total{") && $0.contains("decision=\"\(decision)\"")
        }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }

    @Test(arguments: ["open", "closed"])
    func redisStopped(mode: String) async throws {
        let redis = try await RedisServer.start()
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(
                upstreamPort: port, redisURL: "redis://127.0.0.1:\(redis.port)/0",
                // A stopped Redis refuses connections at once, so a timeout is not what this
                // tests; a generous one keeps the loaded machine's slow first answer (over the
                // 50 ms default, once, in fail-closed mode) from counting as an outage.
                environment: ["RATE_LIMIT_FAILURE_MODE": mode, "RATE_LIMIT_TIMEOUT_MS": "5000"])
            defer { Task { await gateway.stop() } }
            let token = try await gateway.token()
            #expect(try await status(gateway, token: token).0 == 200)
            #expect(try await metric(gateway, "allowed") >= 1)
            await redis.stop()
            for _ in 0..<5 {
                let (code, retryAfter) = try await status(gateway, token: token)
                if mode == "open" {
                    #expect(code == 200, "fail-open keeps requests flowing")
                } else {
                    #expect(code == 503 && retryAfter == "1", "fail-closed refuses: \(code)")
                }
            }
            #expect(try await metric(gateway, mode == "open" ? "failed_open" : "failed_closed") >= 5)
            let allowedBefore = try await metric(gateway, "allowed")
            try await redis.restart()
            // Redis is asked again once the backoff (1 s) is over, and decides again.
            var recovered = false
            for _ in 0..<100 where !recovered {
                try await Task.sleep(for: .milliseconds(200))
                let code = try await status(gateway, token: token).0
                let allowed = try await metric(gateway, "allowed")
                recovered = code == 200 && allowed > allowedBefore
            }
            #expect(recovered)
        }
        await redis.stop()
    }
}
