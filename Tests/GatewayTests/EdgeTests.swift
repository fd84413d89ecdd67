import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport
import Testing

/// The edge against the gateway binary and a recording upstream: what reaches an upstream is
/// only what the route table allows, from verified callers, with headers the gateway vouches for.
@Suite struct EdgeTests {
    func get(_ gateway: GatewayProcess, _ path: String, headers: [(String, String)] = []) async throws
        -> (status: Int, headers: HTTPHeaders, body: String)
    {
        var request = HTTPClientRequest(url: gateway.baseURL + path)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), response.headers, String(buffer: body))
    }

    @Test func pathTricksNeverReachAnUnroutedUpstreamPath() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let token = try await gateway.token()
            let tricks = [
                "/api/v1/../internal", "/api/v1/%2e%2e/internal", "/api/v1/%2E%2E/health/live", "//api/v1/cards",
                "/api/v1/cards%2F..%2F..%2Finternal", "/api/v1/./cards", "/api/v1/llm/v1/../../../metrics",
                "/api/v1/llm/%2e%2e/metrics", "/api/v1/cards\\..\\x", "/internal", "/metrics/../api",
            ]
            for trick in tricks {
                let (status, text) = try await RawHTTP.send(port: gateway.port,
                                                      "GET \(trick) HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(token)")
                #expect([400, 404].contains(status), "\(trick) answered \(status): \(text.prefix(300))")
            }
            // Whatever reached the upstream was a path the table routes, as the table maps it.
            for seen in upstream.requests {
                #expect(seen.path.hasPrefix("/api/v1/") && !seen.path.contains(".."), "upstream saw \(seen.path)")
            }
            // An encoded unreserved letter is the same path as the letter (RFC 3986), and routes as it.
            let (status, _) = try await RawHTTP.send(port: gateway.port,
                                               "GET /api/v1/c%61rds HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(token)")
            #expect(status == 200)
            #expect(upstream.requests.last?.path == "/api/v1/cards")
        }
    }

    @Test func llmProxyIsMountedByItsAPIOnly() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let auth = [("Authorization", "Bearer \(try await gateway.token())")]
            #expect(try await get(gateway, "/api/v1/llm/v1/models", headers: auth).status == 200)
            #expect(upstream.requests.last?.path == "/v1/models", "the prefix is stripped, llm-proxy's path kept")
            #expect(try await get(gateway, "/api/v1/llm/api/tags", headers: auth).status == 200)
            #expect(upstream.requests.last?.path == "/api/tags")
            let before = upstream.requests.count
            for ownPath in ["/api/v1/llm/metrics", "/api/v1/llm/health/live"] {
                let answer = try await get(gateway, ownPath, headers: auth)
                #expect(answer.status == 200 && upstream.requests.last?.path == ownPath,
                        "\(ownPath) is a cards-api path (its 404), never llm-proxy's own")
            }
            #expect(!upstream.requests[before...].contains { $0.path == "/metrics" || $0.path == "/health/live" })
        }
    }

    @Test func anUpstreamsRedirectIsHandedToTheClientNotFollowed() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let (status, text) = try await RawHTTP.send(
                port: gateway.port, "GET /api/v1/moved HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer \(try await gateway.token())")
            #expect(status == 302 && text.lowercased().contains("location: /api/v1/elsewhere"), "\(text.prefix(300))")
            #expect(upstream.requests.map(\.path) == ["/api/v1/moved"], "the gateway did not follow it")
        }
    }

    @Test func withoutCredentialsItIs401BeforeAnyUpstreamCall() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            for path in ["/api/v1/cards", "/api/v1/llm/v1/models", "/api/v1/events"] {
                let answer = try await get(gateway, path)
                #expect(answer.status == 401, "\(path)")
                #expect(answer.headers["content-type"].first == "application/problem+json")
            }
            let forgedToken = try await GatewayProcess(process: gateway.process, port: gateway.port, secret: TestSecret.jwt()).token()
            #expect(try await get(gateway, "/api/v1/cards", headers: [("Authorization", "Bearer \(forgedToken)")]).status == 401)
            #expect(try await get(gateway, "/api/v1/cards?access_token=\(forgedToken)").status == 401)
            #expect(upstream.requests.isEmpty, "no upstream was asked: \(upstream.requests.map(\.path))")
            // Public routes need nothing.
            #expect(try await get(gateway, "/api/v1/openapi.json").status == 200)
            #expect(upstream.requests.count == 1)
        }
    }

    @Test func identityAndForwardingHeadersAClientSendsAreReplaced() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let forged = [
                ("Authorization", "Bearer \(try await gateway.token())"), ("X-User-Id", UUID().uuidString),
                ("X-User-Role", "admin"), ("X-Internal-Service", "cards-api"), ("X-Forwarded-For", "203.0.113.7"),
                ("X-Real-IP", "203.0.113.7"), ("Forwarded", "for=203.0.113.7"), ("X-Forwarded-Host", "evil.example"),
                ("X-Forwarded-Proto", "https"),
            ]
            #expect(try await get(gateway, "/api/v1/cards", headers: forged).status == 200)
            let seen = try #require(upstream.requests.last)
            #expect(seen.headers["x-user-id"] == nil && seen.headers["x-user-role"] == nil)
            #expect(seen.headers["x-internal-service"] == nil && seen.headers["forwarded"] == nil)
            // Nobody is a trusted proxy here: the address is the TCP peer's, whatever was claimed.
            #expect(seen.headers["x-forwarded-for"] == "127.0.0.1")
            #expect(seen.headers["x-real-ip"] == "127.0.0.1")
            #expect(seen.headers["x-forwarded-proto"] == "http")
            #expect(seen.headers["x-forwarded-host"] != "evil.example")
            #expect(seen.headers["authorization"] != nil, "credentials pass on: cards-api checks them again")
        }
    }

    @Test func aTrustedProxysForwardedForIsBelieved() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port, environment: ["TRUSTED_PROXIES": "127.0.0.1"])
            defer { Task { await gateway.stop() } }
            let headers = [("Authorization", "Bearer \(try await gateway.token())"),
                           ("X-Forwarded-For", "198.51.100.1, 203.0.113.9"), ("X-Forwarded-Proto", "https")]
            #expect(try await get(gateway, "/api/v1/cards", headers: headers).status == 200)
            let seen = try #require(upstream.requests.last)
            // 127.0.0.1 (nginx) is trusted, 203.0.113.9 is not: it is the client, and what it claimed before is not believed.
            #expect(seen.headers["x-real-ip"] == "203.0.113.9")
            #expect(seen.headers["x-forwarded-for"] == "203.0.113.9, 127.0.0.1")
            #expect(seen.headers["x-forwarded-proto"] == "https")
        }
    }

    @Test func everyAnswerCarriesSecurityHeadersAndCORSIsAnsweredAtTheEdge() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(
                upstreamPort: port, environment: ["CORS_ALLOWED_ORIGINS": "https://console.example"])
            defer { Task { await gateway.stop() } }
            for path in ["/api/v1/cards", "/health/live", "/nowhere"] {
                let answer = try await get(gateway, path, headers: [("Origin", "https://console.example")])
                #expect(answer.headers["x-content-type-options"].first == "nosniff", "\(path)")
                #expect(answer.headers["x-frame-options"].first == "DENY", "\(path)")
                #expect(answer.headers["content-security-policy"].first?.contains("default-src 'none'") == true)
                #expect(answer.headers["access-control-allow-origin"].first == "https://console.example", "\(path)")
            }
            var preflight = HTTPClientRequest(url: gateway.baseURL + "/api/v1/cards")
            preflight.method = .OPTIONS
            preflight.headers.add(name: "Origin", value: "https://console.example")
            preflight.headers.add(name: "Access-Control-Request-Method", value: "POST")
            preflight.headers.add(name: "Access-Control-Request-Headers", value: "authorization, content-type")
            let allowed = try await HTTPClient.shared.execute(preflight, timeout: .seconds(60))
            #expect(allowed.status == .noContent)
            #expect(allowed.headers["access-control-allow-methods"].first?.contains("POST") == true)
            #expect(allowed.headers["access-control-allow-headers"].first?.contains("Authorization") == true)
            preflight.headers.replaceOrAdd(name: "Origin", value: "https://evil.example")
            let refused = try await HTTPClient.shared.execute(preflight, timeout: .seconds(60))
            #expect(refused.status == .forbidden)
            #expect(refused.headers["access-control-allow-origin"].isEmpty)
            #expect(upstream.requests.isEmpty, "preflights never reach an upstream")
        }
    }

    @Test func aRoutesBodyLimitIs413NamingIt() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            // The auth routes take 64 KiB at most, the rest GATEWAY_MAX_BODY_BYTES (1 MiB).
            var request = HTTPClientRequest(url: gateway.baseURL + "/api/v1/auth/login")
            request.method = .POST
            request.body = .bytes(ByteBuffer(repeating: UInt8(ascii: "x"), count: 100_000))
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            let body = String(buffer: try await response.body.collect(upTo: 1 << 20))
            #expect(response.status == .payloadTooLarge)
            #expect(body.contains("GATEWAY_MAX_BODY_BYTES"))
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test func headersOverTheirBudgetAreRefusedNotCrashed() async throws {
        let upstream = RecordingUpstream()
        try await upstream.serve { port in
            let gateway = try await GatewayProcess.start(upstreamPort: port)
            defer { Task { await gateway.stop() } }
            let huge = String(repeating: "a", count: 40_000)
            let answer = try? await RawHTTP.send(port: gateway.port, "GET /api/v1/cards HTTP/1.1\r\nHost: gw\r\nX-Big: \(huge)")
            #expect(answer == nil || (400..<500).contains(answer!.status), "\(answer.map { String($0.status) } ?? "closed")")
            #expect(try await get(gateway, "/health/live").status == 200, "the gateway is still up")
            #expect(upstream.requests.isEmpty)
        }
    }
}
