import CardsAPIService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import PromptCards
import RedisClient
import ServiceKit
import TestSupport
import Testing

/// cards-api as the executable builds it (`buildCardsAPI`), on a fresh database and its
/// own Redis key prefix, driven through Hummingbird's test client.
struct CardsAPIHarness: Sendable {
    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: Data

        var object: [String: Any] { ((try? JSONSerialization.jsonObject(with: body)) as? [String: Any]) ?? [:] }
        var items: [[String: Any]] { object["data"] as? [[String: Any]] ?? [] }
        var text: String { String(decoding: body, as: UTF8.self) }
        var isProblem: Bool { headers[.contentType] == "application/problem+json" }
    }

    static let secret = TestSecret.jwt()
    let client: any TestClientProtocol
    let database: PostgresClient
    /// This instance's Redis keys (its own prefix).
    let keys: RedisKeys
    /// The served API document; every response is checked against it.
    var contract: APIContract?

    /// The password `account` registers with, and the bootstrap admin's.
    static let password = "long enough"

    /// - Parameters:
    ///   - admin: started as the bootstrap admin (`ADMIN_EMAIL`, password `password`); sign in with `login`.
    ///   - environment: more variables for cards-api (budgets, say).
    static func with(admin: String? = nil, environment: [String: String] = [:],
                     _ body: @Sendable (CardsAPIHarness) async throws -> Void) async throws {
        try await TestDatabase.with { database, url in
            try await instance(url: url, database: database, admin: admin, environment: environment, body)
        }
    }

    /// Runs `body` with a fresh database on which `instance` starts cards-api (any number of
    /// times, one after another: a restart with other settings).
    static func onOneDatabase(_ body: @Sendable (_ url: String, _ database: PostgresClient) async throws -> Void) async throws {
        try await TestDatabase.with { database, url in try await body(url, database) }
    }

    /// Two cards-api instances on one database, as behind a load balancer.
    static func pair(_ body: @Sendable (CardsAPIHarness, CardsAPIHarness) async throws -> Void) async throws {
        try await TestDatabase.with { database, url in
            try await instance(url: url, database: database) { first in
                try await instance(url: url, database: database) { second in try await body(first, second) }
            }
        }
    }

    /// cards-api on the database at `url`; `admin` is its bootstrap admin (password `password`).
    static func instance(url: String, database: PostgresClient, admin: String? = nil, environment: [String: String] = [:],
                         _ body: @Sendable (CardsAPIHarness) async throws -> Void) async throws {
        var environment = environment
        var passwordFile: URL?
        if let admin {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("admin-\(UUID().uuidString)")
            try Data("\(password)\n".utf8).write(to: file)
            passwordFile = file
            environment["ADMIN_EMAIL"] = admin
            environment["ADMIN_PASSWORD_FILE"] = file.path
        }
        defer { if let passwordFile { try? FileManager.default.removeItem(at: passwordFile) } }
        let keys = RedisKeys(prefix: TestEnvironment.uniquePrefix("api"))
        let env = EnvironmentReader([
            "DATABASE_URL": url, "REDIS_URL": try TestEnvironment.redisURL(), "JWT_SECRET": secret,
            "REDIS_KEY_PREFIX": keys.prefix, "BCRYPT_COST": "4", "PORT": "0",
        ].merging(environment) { _, new in new })
        var logger = Logger(label: "cards-api-test")
        logger.logLevel = .warning
        let app = try await buildCardsAPI(config: CardsAPIConfig(env), logger: logger)
        try await app.test(.router) { client in
            var harness = CardsAPIHarness(client: client, database: database, keys: keys)
            let document = try await harness.send(.get, "/api/v1/openapi.json")
            harness.contract = APIContract(document: try JSONValue(parsing: document.text))
            try await body(harness)
        }
    }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, apiKey: String? = nil,
              json: Any? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let apiKey { headers[.apiKey] = apiKey }
        var body: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        }
        let reply = try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: Data(buffer: response.body))
        }
        if let contract {
            let problems = contract.problems(method: method, path: path, status: Int(reply.status.code),
                                             contentType: reply.headers[.contentType], body: reply.body)
            #expect(problems.isEmpty, "the response breaks the API document: \(problems)")
        }
        return reply
    }

    /// Registers and logs in; returns the access and refresh tokens.
    func account(_ email: String = "user-\(UUID().uuidString.prefix(8))@example.com") async throws -> (access: String, refresh: String) {
        let registered = try await send(.post, "/api/v1/auth/register", json: ["email": email, "password": Self.password])
        #expect(registered.status == .created, "\(registered.text)")
        return try await login(email)
    }

    /// Logs in an existing account (the bootstrap admin, say) with `password`.
    func login(_ email: String, password: String = CardsAPIHarness.password) async throws -> (access: String, refresh: String) {
        let login = try await send(.post, "/api/v1/auth/login", json: ["email": email, "password": password])
        #expect(login.status == .ok, "\(login.text)")
        return (try #require(login.object["access_token"] as? String), try #require(login.object["refresh_token"] as? String))
    }

    func card(_ token: String, title: String = "Card", template: String = "Say {{word}}", tags: [String] = []) async throws -> String {
        let reply = try await send(.post, "/api/v1/cards", token: token, json: ["title": title, "template": template, "tags": tags])
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(reply.object["id"] as? String)
    }

    func testCase(_ token: String, card: String) async throws -> String {
        let reply = try await send(.post, "/api/v1/cards/\(card)/tests", token: token,
                                   json: ["vars": ["word": "hi"], "assert": [["type": "contains", "value": "hi"]]])
        #expect(reply.status == .created, "\(reply.text)")
        return try #require(reply.object["id"] as? String)
    }
}
