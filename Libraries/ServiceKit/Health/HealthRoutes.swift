import Budgets
import Foundation
import Hummingbird
import NIOCore

/// The endpoints every daemon serves on its own port: `/health/live` (the process works),
/// `/health/ready` (its own dependencies answer, each bounded by a timeout) and `/metrics`.
public struct HealthRoutes<Context: RequestContext>: Sendable {
    let service: String
    let checks: [ReadinessCheck]
    let timeout: Duration

    public init(service: String, checks: [ReadinessCheck], timeout: Duration = .seconds(2)) {
        self.service = service
        self.checks = checks
        self.timeout = timeout
    }

    public func register(on router: Router<Context>) {
        // Probed by every load balancer every few seconds: encoded once, not per probe.
        let live = Self.json(.ok, ["status": "pass", "service": service])
        router.get("/health/live") { _, _ in live }
        router.get("/health/ready") { _, _ in
            let results = await runChecks()
            let failed = results.filter { $0.value != nil }
            var body: [String: Any] = ["status": failed.isEmpty ? "pass" : "fail", "service": service]
            body["checks"] = Dictionary(uniqueKeysWithValues: results.map { name, error in
                (name, error.map { ["status": "fail", "output": $0] } ?? ["status": "pass"])
            })
            return Self.json(failed.isEmpty ? .ok : .serviceUnavailable, body)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: MetricsRegistry.exposition())))
        }
    }

    /// Runs every check concurrently; the value is nil on success or the failure text.
    func runChecks() async -> [String: String?] {
        await withTaskGroup(of: (String, String?).self) { group in
            for check in checks {
                group.addTask {
                    do {
                        try await withDeadline(timeout) { try await check.check() }
                        return (check.name, nil)
                    } catch {
                        return (check.name, String(describing: error))
                    }
                }
            }
            var results: [String: String?] = [:]
            for await (name, error) in group { results[name] = error }
            return results
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
