import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceKit
import Testing

/// The shared middleware stack, exercised through a real router.
@Suite struct ProblemResponseTests {
    static let secret = String(repeating: "k", count: 32)
    struct Payload: Decodable {
        var name: String
        var count: Int
    }

    func makeRouter() async -> Router<ServiceRequestContext> {
        let router = ServiceRouter.make(service: "test", checks: [
            ReadinessCheck(name: "always-fails") { throw APIError.unavailable("down") },
        ])
        router.post("/echo") { request, context -> String in
            let payload = try await request.decodeJSON(as: Payload.self, context: context)
            return "\(payload.name):\(payload.count)"
        }
        router.get("/boom") { _, _ -> String in
            struct Internal: Error { let secret = "db password" }
            throw Internal()
        }
        let tokens = await AccessTokens(secret: Self.secret)
        router.group("/private").add(middleware: AuthenticationMiddleware(tokens: tokens)).get("/me") { _, context in
            try context.requireIdentity().email
        }
        router.group("/browser").add(middleware: AuthenticationMiddleware(tokens: tokens, acceptingTokenInQuery: true))
            .get("/me") { _, context in try context.requireIdentity().email }
        return router
    }

    func problem(_ response: TestResponse) throws -> ProblemDetails {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemDetails.self, from: Data(buffer: response.body))
    }

    @Test func malformedJSONIsA400Problem() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "{not json")) { response in
                #expect(response.status == .badRequest)
                let body = try problem(response)
                #expect(body.status == 400 && body.detail?.contains("not valid JSON") == true)
                #expect(body.requestID == response.headers[.requestID])
            }
        }
    }

    @Test func wrongFieldTypesNameTheField() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"name":"a","count":"three"}"#)) { response in
                #expect(response.status == .badRequest)
                let body = try problem(response)
                #expect(body.errors == [.init(field: "count", reason: "must be an integer")])
            }
            try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: #"{"count":3}"#)) { response in
                let body = try problem(response)
                #expect(body.errors == [.init(field: "name", reason: "is required")])
            }
        }
    }

    @Test func unknownErrorsAreA500ThatRevealsNothing() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/boom", method: .get) { response in
                #expect(response.status == .internalServerError)
                let text = String(buffer: response.body)
                #expect(!text.contains("db password") && text.contains("unexpected error"))
            }
        }
    }

    @Test func unknownRoutesAreA404Problem() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try problem(response)
                #expect(body.status == 404)
            }
        }
    }

    @Test func requestIDsAreEchoedOrGeneratedButNeverInjected() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get, headers: [.requestID: "abc-123"]) { response in
                #expect(response.headers[.requestID] == "abc-123")
            }
            try await client.execute(uri: "/health/live", method: .get, headers: [.requestID: "bad id\r\nX-Evil: 1"]) { response in
                let id = try #require(response.headers[.requestID])
                #expect(id != "bad id\r\nX-Evil: 1" && UUID(uuidString: id) != nil)
            }
        }
    }

    @Test func readinessFailsWhenADependencyFailsAndLivenessDoesNot() async throws {
        let app = Application(router: await makeRouter())
        try await app.test(.router) { client in
            try await client.execute(uri: "/health/live", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/health/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("always-fails"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func tokensAreRequiredCheckedAndExpire() async throws {
        let app = Application(router: await makeRouter())
        let secret = Self.secret
        let identity = Identity(userID: UUID(), email: "a@b.co", role: "user")
        let valid = try await AccessTokens(secret: secret).issue(for: identity)
        let expired = try await AccessTokens(secret: secret, lifetime: .seconds(1)).issue(for: identity, now: .now.addingTimeInterval(-3600))
        let forged = try await AccessTokens(secret: String(repeating: "x", count: 32)).issue(for: identity)
        try await app.test(.router) { client in
            try await client.execute(uri: "/private/me", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
            try await client.execute(uri: "/private/me", method: .get, headers: [.authorization: "Bearer \(valid)"]) { response in
                #expect(response.status == .ok && String(buffer: response.body) == "a@b.co")
            }
            // A token in the URL leaks into logs: only routes for browsers (realtime's) take one.
            try await client.execute(uri: "/private/me?access_token=\(valid)", method: .get) { response in
                #expect(response.status == .unauthorized)
                let body = try problem(response)
                #expect(body.detail?.contains("Authorization") == true)
            }
            try await client.execute(uri: "/private/me?access_token=\(valid)", method: .get,
                                     headers: [.authorization: "Bearer \(valid)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/browser/me?access_token=\(valid)", method: .get) { response in
                #expect(response.status == .ok)
            }
            for token in [expired, forged, "garbage"] {
                try await client.execute(uri: "/private/me", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .unauthorized)
                    let body = try problem(response)
                    #expect(body.status == 401)
                }
            }
        }
    }
}
