import Foundation
@testable import GatewayService
import HTTPTypes
import ServiceKit
import Testing

/// The edge's rules on their own: path canonicalization, the route table, who the client is.
@Suite struct EdgeRulesTests {
    @Test(arguments: [
        "/api/v1/../internal", "/api/v1/%2e%2e/x", "/api/v1/%2E./x", "//api/v1/cards", "/api//v1", "/api/v1/./cards",
        "/api/v1/a%2Fb", "/api/v1/a%2fb", "/api/v1/a%5Cb", "/api/v1/a\\b", "/api/v1/%00", "/api/v1/%zz", "/api/v1/%4",
        "api/v1", "/api/v1/..", "/api/v1/.", "/api/v1/caf\u{e9}",
    ])
    func trickyPathsAreRefused(path: String) {
        #expect(throws: RequestPath.Refused.self) { try RequestPath(path) }
    }

    @Test(arguments: [
        ("/api/v1/cards", "/api/v1/cards"), ("/api/v1/c%61rds", "/api/v1/cards"), ("/api/v1/llm/", "/api/v1/llm/"),
        ("/api/v1/search%20x", "/api/v1/search%20x"), ("/api/v1/a%7e", "/api/v1/a~"), ("/api/v1/x%252e", "/api/v1/x%252e"), ("/api/v1/x%3a", "/api/v1/x%3A"),
        ("/api/v1/cards/a.b", "/api/v1/cards/a.b"),
    ])
    func plainPathsAreCanonical(path: String, canonical: String) throws {
        #expect(try RequestPath(path).value == canonical)
    }

    func standardTable() throws -> RouteTable {
        try RouteTable(parsing: RouteTable.standard, source: "standard", upstreams: GatewayConfig.upstreamNames)
    }

    @Test func theStandardTableRoutesEachSurfaceToItsUpstream() throws {
        let table = try standardTable()
        func route(_ method: HTTPRequest.Method, _ path: String) throws -> (String, String, String)? {
            try table.route(method, RequestPath(path)).map { ($0.0.upstream, $0.1, $0.0.rateClass) }
        }
        #expect(try route(.post, "/api/v1/auth/login")! == ("cards-api", "/api/v1/auth/login", "auth"))
        #expect(try route(.get, "/api/v1/cards/7")! == ("cards-api", "/api/v1/cards/7", "read"))
        #expect(try route(.delete, "/api/v1/cards/7")! == ("cards-api", "/api/v1/cards/7", "write"))
        #expect(try route(.post, "/api/v1/cards/7/runs")! == ("cards-api", "/api/v1/cards/7/runs", "runs"))
        #expect(try route(.post, "/api/v1/llm/v1/chat/completions")! == ("llm-proxy", "/v1/chat/completions", "llm"))
        #expect(try route(.post, "/api/v1/llm/api/chat")! == ("llm-proxy", "/api/chat", "llm"))
        #expect(try route(.get, "/api/v1/llm/")! == ("llm-proxy", "/", "llm"))
        #expect(try route(.get, "/api/v1/events")! == ("realtime", "/events", "stream"))
        #expect(try route(.get, "/metrics") == nil && route(.get, "/internal/x") == nil && route(.get, "/") == nil)
        #expect(try table.route(.post, RequestPath("/api/v1/auth/login"))?.0.maxBody == 64 * 1024)
    }

    @Test(arguments: [
        "GET /api/v1/x cards-api = read user - - api",                 // 8 columns
        "GET /api/v1/x nowhere = read user - - - api",                 // unknown upstream
        "FETCH! /api/v1/x cards-api = read user - - - api",            // not a method
        "GET api/v1 cards-api = read user - - - api",                  // not a path
        "GET /api/**/x cards-api = read user - - - api",               // ** not last
        "GET /api/** cards-api /v1 read user - - - api",               // ** on one side only
        "GET /api/x cards-api = read everyone - - - api",              // access
        "GET /api/x cards-api = read user 10 - - api",                 // duration without unit
        "GET /api/x cards-api = read user - 1GB - api",                // size
        "GET /api/x cards-api = read user - - - batch",                // kind
    ])
    func badRouteTablesNameTheLineAndTheReason(line: String) {
        #expect(throws: ConfigError.self) {
            try RouteTable(parsing: "GET /ok cards-api = read user - - - api\n" + line, source: "GATEWAY_ROUTES_FILE",
                           upstreams: GatewayConfig.upstreamNames)
        }
    }

    @Test func theRateLimitTableParsesAndBadRulesSayWhy() throws {
        let limits = try GatewayRateLimits(parsing: GatewayRateLimits.standard, source: "standard")
        #expect(limits.rules(for: "auth").map(\.rate.name) == ["all-ip", "auth-ip"])
        #expect(limits.rules(for: "runs").map(\.rate.name) == ["all-ip", "runs-user"])
        let inline = try GatewayRateLimits(parsing: "read user 10/1h 5; * ip 100/1m", source: "GATEWAY_RATE_LIMITS")
        #expect(inline.rules.map(\.rate.burst) == [5, 100])
        for bad in ["read user", "read everyone 10/1m", "read user 10/1m 0", "read user ten/1m", "re.ad user 10/1m"] {
            #expect(throws: ConfigError.self, "\(bad)") { try GatewayRateLimits(parsing: bad, source: "GATEWAY_RATE_LIMITS") }
        }
    }

    @Test func theClientIsTheFirstAddressThatIsNotATrustedProxy() throws {
        let nginx = IPAddress("127.0.0.1")!
        let none = ForwardedFor(trusted: [])
        #expect(none.resolve(peer: nginx, header: "203.0.113.1").client == nginx, "nobody trusted: the peer")
        let local = ForwardedFor(trusted: [IPNetwork("127.0.0.0/8")!, IPNetwork("10.0.0.0/24")!])
        let (client, chain) = local.resolve(peer: nginx, header: "198.51.100.7, 203.0.113.1, 10.0.0.5")
        #expect(client == IPAddress("203.0.113.1"))
        #expect(chain.map(\.description) == ["203.0.113.1", "10.0.0.5", "127.0.0.1"])
        #expect(local.resolve(peer: nginx, header: "garbage, 10.0.0.9").client == IPAddress("10.0.0.9"),
                "an unreadable entry ends the walk at the last trusted hop")
        #expect(local.resolve(peer: IPAddress("192.0.2.1")!, header: "203.0.113.1").client == IPAddress("192.0.2.1"))
    }

    @Test func addressesAndRanges() throws {
        #expect(IPAddress("::ffff:192.0.2.1") == IPAddress("192.0.2.1"))
        #expect(IPAddress("[::1]")?.description == "::1")
        #expect(IPAddress("2001:db8:1:2:3:4:5:6")?.rateLimitSubject == "2001:db8:1:2::/64")
        #expect(IPAddress("300.1.1.1") == nil && IPAddress("nginx") == nil)
        let range = try #require(IPNetwork("10.1.0.0/16"))
        #expect(range.contains(IPAddress("10.1.255.3")!) && !range.contains(IPAddress("10.2.0.1")!))
        #expect(IPNetwork("fd00::/8")!.contains(IPAddress("fd12::1")!))
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("10.0.0.0/x") == nil)
    }

    @Test func onlyIdempotentRequestsAreRetried() {
        #expect(ForwardTerms.isIdempotent(.get, [:]) && ForwardTerms.isIdempotent(.delete, [:]))
        #expect(!ForwardTerms.isIdempotent(.post, [:]) && !ForwardTerms.isIdempotent(.patch, [:]))
        #expect(ForwardTerms.isIdempotent(.post, [.idempotencyKey: "k1"]))
    }

    @Test func theRetryBudgetIsAShareOfTheCallsPlusAFloor() {
        let budget = RetryBudget(ratio: 0.1, floorPerSecond: 2)
        let now = ContinuousClock.now
        #expect(budget.takeRetry(now: now) && budget.takeRetry(now: now))
        #expect(!budget.takeRetry(now: now), "the floor is spent and nothing was earned")
        for _ in 0..<20 { budget.recordCall() }
        #expect(budget.takeRetry(now: now) && budget.takeRetry(now: now), "20 calls earn 2 retries")
        #expect(!budget.takeRetry(now: now))
        #expect(budget.takeRetry(now: now + .seconds(1)), "a new second, a new floor")
    }
}
