import Hummingbird
import HummingbirdTesting
import Synchronization

/// A real HTTP server in cards-api's place that knows no run and no card (every lookup is a
/// 404) or, with `grantingAll`, lets every caller see every one (200); it counts the
/// lookups realtime makes.
enum CardsAPIStandIn {
    final class Lookups: Sendable {
        private let count = Atomic(0)
        var total: Int { count.load(ordering: .relaxed) }
        func record() { count.add(1, ordering: .relaxed) }
    }

    static func withRunning<T: Sendable>(grantingAll: Bool = false,
                                         _ body: @Sendable (_ url: String, _ lookups: Lookups) async throws -> T)
        async throws -> T
    {
        let lookups = Lookups()
        let router = Router()
        router.get("/api/v1/**") { _, _ -> Response in
            lookups.record()
            return Response(status: grantingAll ? .ok : .notFound)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)", lookups)
        }
    }
}
