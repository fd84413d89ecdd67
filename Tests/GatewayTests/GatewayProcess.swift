import Foundation
import ServiceKit
import TestSupport

/// The gateway daemon as it ships (the built binary), on a free port, in front of the given
/// upstreams, with its rate limits in a Redis key space of its own.
struct GatewayProcess: Sendable {
    let process: ManagedProcess
    let port: Int
    let secret: String

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every upstream at `upstream` unless `environment` says otherwise.
    static func start(upstreamPort: Int, secret: String = TestSecret.jwt(), redisURL: String? = nil,
                      keyPrefix: String = TestEnvironment.uniquePrefix("gw"),
                      environment extra: [String: String] = [:]) async throws -> GatewayProcess {
        let upstream = "http://127.0.0.1:\(upstreamPort)"
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try FreePort.next()
            var environment = [
                "HOST": "127.0.0.1", "PORT": String(port), "LOG_LEVEL": "warning", "JWT_SECRET": secret,
                "CARDS_API_URL": upstream, "LLM_PROXY_URL": upstream, "REALTIME_URL": upstream,
                "REDIS_URL": try redisURL ?? TestEnvironment.redisURL(), "REDIS_KEY_PREFIX": keyPrefix,
            ]
            environment.merge(extra) { _, new in new }
            let logs = (ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()) as NSString
            let process = try await ManagedProcess.launch(
                executable: try TestEnvironment.binDirectory() + "/gateway", arguments: [], environment: environment,
                logFile: logs.appendingPathComponent("gateway-\(port).log"))
            do {
                try await process.waitForPort(port, timeout: .seconds(60))
                return GatewayProcess(process: process, port: port, secret: secret)
            } catch {
                lastError = error
                await process.terminate()
            }
        }
        throw lastError!
    }

    func stop() async { await process.terminate() }

    /// A valid access token for a new user, signed with the gateway's secret.
    func token(for user: UUID = UUID()) async throws -> String {
        try await AccessTokens(secret: secret).issue(for: Identity(userID: user, email: "\(user)@example.com", role: "user"))
    }
}
