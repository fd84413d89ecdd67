import Hummingbird
import HummingbirdTesting

/// A real HTTP server for the proxy to forward to, on a free port: `/ok` answers 200,
/// `/missing` 404, `/invalid` 400, `/fail` 500, `/slow` after 3 s.
enum Upstream {
    static func withRunning<T: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> T) async throws -> T {
        let router = Router()
        router.on("/ok", method: .get) { _, _ in "ok" }
        router.on("/ok", method: .post) { _, _ in "ok" }
        router.get("/missing") { _, _ -> Response in Response(status: .notFound) }
        router.post("/invalid") { _, _ -> Response in Response(status: .badRequest) }
        router.get("/fail") { _, _ -> Response in Response(status: .internalServerError) }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(3))
            return "late"
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }
}
