import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// A webhook receiver on a free loopback port: it records every delivery (headers and
/// body) and answers each with the next of `statuses` (200 once they run out).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let headers: [String: String]
        let body: Data

        func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    let statuses: [Int]
    private let received = Mutex<[Delivery]>([])

    init(statuses: [Int] = []) {
        self.statuses = statuses
    }

    var deliveries: [Delivery] { received.withLock { $0 } }

    /// Serves while `body` runs; `body` gets the URL to deliver to.
    func serve<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let number = self.received.withLock { list in
                list.append(Delivery(headers: headers, body: Data(buffer: bytes)))
                return list.count
            }
            let status = number <= self.statuses.count ? self.statuses[number - 1] : 200
            return Response(status: .init(code: status))
        }
        return try await LoopbackServer.serve(router) { base in try await body(base + "/hook") }
    }
}
