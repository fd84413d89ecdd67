import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// An upstream that goes away: the breaker opens after `BREAKER_THRESHOLD` failures and the
/// gateway answers 503 problem+json with `Retry-After` without trying it; once the upstream
/// is back, the next trial after the cooldown closes the circuit.
@Suite struct UpstreamFailureTests {
    func call(_ gateway: GatewayProcess, token: String) async throws -> (status: Int, type: String?, retryAfter: String?) {
        var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/cards")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        _ = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers["content-type"].first, response.headers["retry-after"].first)
    }

    @Test func theBreakerOpensWhenTheUpstreamDiesAndClosesWhenItReturns() async throws {
        let port = try FreePort.next()
        let gateway = try await GatewayProcess.start(
            upstreamPort: port, environment: ["BREAKER_THRESHOLD": "3", "BREAKER_COOLDOWN_SECONDS": "2"])
        defer { Task { await gateway.stop() } }
        let token = try await gateway.token()
        let upstream = RecordingUpstream()
        let before = try await upstream.serve(port: port) { _ in try await call(gateway, token: token).status }
        #expect(before == 200)
        // The upstream is gone: calls fail (502; a GET is tried twice, so two failures each),
        // and after three failures the circuit is open.
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await call(gateway, token: token).status) }
        #expect(statuses.first == 502 && statuses.last == 503 && statuses.allSatisfy { [502, 503].contains($0) }, "\(statuses)")
        let open = try await call(gateway, token: token)
        #expect(open.status == 503 && open.type == "application/problem+json" && open.retryAfter == "2", "\(open)")
        let returned = RecordingUpstream()
        try await returned.serve(port: port) { _ in
            var status = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while status != 200 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                status = try await call(gateway, token: token).status
            }
            #expect(status == 200, "the circuit closed again")
            #expect(try await call(gateway, token: token).status == 200)
        }
    }

    @Test func anIdempotentRequestIsRetriedOnceWhenTheFirstAttemptCannotConnect() async throws {
        // Nothing listens at the upstream: a GET is tried twice (within the retry budget), a POST
        // once, unless it names an Idempotency-Key.
        try await ClosedPort.with { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port, environment: ["BREAKER_THRESHOLD": "100"])
            defer { Task { await gateway.stop() } }
            let token = try await gateway.token()
            #expect(try await call(gateway, token: token).status == 502)
            #expect(try await metric(gateway, "pcs_gateway_upstream_retries_total{upstream=\"cards-api\"}") == 1)
            #expect(try await post(gateway, token: token, idempotencyKey: nil) == 502)
            #expect(try await metric(gateway, "pcs_gateway_upstream_retries_total{upstream=\"cards-api\"}") == 1)
            #expect(try await post(gateway, token: token, idempotencyKey: UUID().uuidString) == 502)
            #expect(try await metric(gateway, "pcs_gateway_upstream_retries_total{upstream=\"cards-api\"}") == 2)
            #expect(try await metric(gateway, "pcs_gateway_requests_total{class=\"read\",status=\"502\"}") == 1)
            #expect(try await metric(gateway, "pcs_gateway_requests_total{class=\"write\",status=\"502\"}") == 2)
        }
    }

    func post(_ gateway: GatewayProcess, token: String, idempotencyKey: String?) async throws -> Int {
        var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/cards")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        request.body = .bytes(ByteBuffer(string: "{}"))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// A series' value on /metrics (0 when absent).
    func metric(_ gateway: GatewayProcess, _ series: String) async throws -> Double {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: gateway.baseURL + "/metrics"), timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        let line = text.split(separator: "\n").first { $0.hasPrefix(series + " ") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) } ?? 0
    }
}
