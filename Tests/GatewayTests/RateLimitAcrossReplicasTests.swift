import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// The limits are counted in Redis, so they hold for the suite, not per gateway: two gateway
/// processes on one Redis admit together exactly what one would.
@Suite struct RateLimitAcrossReplicasTests {
    /// 10 at once, then one per 6 minutes: a test of a few seconds sees exactly the burst.
    static let limits = "read user 10/1h 10; * ip 100000/1m 100000"
    /// These tests are about exactness, not latency: a loaded machine's slow answer must not
    /// fail open (RedisOutageTests and RateLimiterTests cover that).
    static let environment = ["GATEWAY_RATE_LIMITS": limits, "RATE_LIMIT_TIMEOUT_MS": "5000"]

    func call(_ baseURL: String, token: String) async throws -> (status: Int, headers: [String: String], body: String) {
        var request = HTTPClientRequest(url: baseURL + "/api/v1/cards")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
        let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return (Int(response.status.code), headers, body)
    }

    @Test func twoGatewaysAdmitNoMoreThanTheBurstTogether() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let prefix = TestEnvironment.uniquePrefix("gw-rl")
            let secret = TestSecret.jwt()
            let environment = Self.environment
            let first = try await GatewayProcess.start(upstreamPort: port, secret: secret, keyPrefix: prefix, environment: environment)
            defer { Task { await first.stop() } }
            let second = try await GatewayProcess.start(upstreamPort: port, secret: secret, keyPrefix: prefix, environment: environment)
            defer { Task { await second.stop() } }
            let token = try await first.token()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<120 {
                    let gateway = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await call(gateway.baseURL, token: token).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 10, "admitted across both: \(statuses.filter { $0 == 200 }.count)")
            #expect(statuses.filter { $0 == 429 }.count == 110)
            #expect(upstream.requests.count == 10, "only admitted requests reach the upstream")
        }
    }

    @Test func headersCountDownAndA429SaysWhenToRetry() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port, environment: Self.environment)
            defer { Task { await gateway.stop() } }
            let token = try await gateway.token()
            for expected in stride(from: 9, through: 0, by: -1) {
                let answer = try await call(gateway.baseURL, token: token)
                #expect(answer.status == 200)
                let current = answer.headers["ratelimit"] ?? ""
                #expect(current.contains("\"read-user\";r=\(expected);"), "\(current)")
                #expect(answer.headers["ratelimit-policy"]?.contains("\"read-user\";q=10;w=3600") == true)
            }
            let refused = try await call(gateway.baseURL, token: token)
            #expect(refused.status == 429)
            #expect(refused.headers["content-type"] == "application/problem+json")
            let retryAfter = try #require(refused.headers["retry-after"].flatMap(Int.init))
            #expect((300...360).contains(retryAfter), "one unit per 6 minutes: \(retryAfter)")
            #expect(refused.body.contains("read-user"))
            #expect(refused.headers["ratelimit"]?.contains("\"read-user\";r=0;") == true)
            // Another user has a budget of their own.
            #expect(try await call(gateway.baseURL, token: try await gateway.token()).status == 200)
        }
    }

    @Test func theClientAddressHasABudgetOfItsOwnBeforeAnyUser() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(
                upstreamPort: port, environment: ["GATEWAY_RATE_LIMITS": "* ip 5/1h 5", "RATE_LIMIT_TIMEOUT_MS": "5000"])
            defer { Task { await gateway.stop() } }
            var statuses: [Int] = []
            for _ in 0..<7 { statuses.append(try await call(gateway.baseURL, token: try await gateway.token()).status) }
            #expect(statuses == [200, 200, 200, 200, 200, 429, 429], "new users, one address: \(statuses)")
        }
    }

    @Test func failedCredentialsCountAgainstTheAddress() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(
                upstreamPort: port, environment: ["GATEWAY_RATE_LIMITS": "* ip 3/1h 3", "RATE_LIMIT_TIMEOUT_MS": "5000"])
            defer { Task { await gateway.stop() } }
            let wrongSecret = GatewayProcess(process: gateway.process, port: gateway.port, secret: TestSecret.jwt())
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await call(gateway.baseURL, token: try await wrongSecret.token()).status) }
            #expect(statuses == [401, 401, 401, 429, 429], "guessing is bounded per address: \(statuses)")
            #expect(upstream.requests.isEmpty)
        }
    }
}
