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
        let port = Mutex<Int?>(nil)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            defer { group.cancelAll() }
            let started = ContinuousClock.now
            while port.withLock({ $0 }) == nil {
                guard ContinuousClock.now - started < .seconds(60) else { throw CancellationError() }
                try await Task.sleep(for: .milliseconds(20))
            }
            return try await body("http://127.0.0.1:\(port.withLock { $0 }!)/hook")
        }
    }
}
