import Foundation
import TestSupport

/// The six daemons and nginx, started as real processes by the same script `make up`
/// uses (scripts/daemons.sh), on free ports, against the test Postgres/Redis/LLM.
struct SuiteProcesses: Sendable {
    let runDirectory: String
    let nginxURL: String
    let ports: [String: Int]
    let environment: [String: String]
    let jwtSecret: String

    /// - Parameter extra: more environment for every daemon (e.g. `OTEL_*`).
    static func start(databaseURL: String, extra: [String: String] = [:]) async throws -> SuiteProcesses {
        let names = ["GATEWAY_PORT", "CARDS_API_PORT", "REALTIME_PORT", "QUEUE_WORKER_PORT", "LLM_PROXY_PORT", "HEALTHD_PORT", "NGINX_PORT"]
        var ports: [String: Int] = [:]
        for name in names { ports[name] = try FreePort.next() }
        let base = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
        let runDirectory = (base as NSString).appendingPathComponent("e2e-\(UUID().uuidString.prefix(8))")
        let secret = "e2e-secret-" + UUID().uuidString + UUID().uuidString
        var environment: [String: String] = [
            "RUN_DIR": runDirectory, "BIN_DIR": try TestEnvironment.binDirectory(),
            "DATABASE_URL": databaseURL, "REDIS_URL": try TestEnvironment.redisURL(),
            "LOCAL_LLM_URL": try TestEnvironment.llmURL(), "JWT_SECRET": secret,
            "REDIS_KEY_PREFIX": TestEnvironment.uniquePrefix("e2e"), "LOG_LEVEL": "info",
            "PROBE_INTERVAL_MS": "500",
            // Requests that wait on the one real LLM may queue for minutes on a loaded machine.
            "UPSTREAM_TIMEOUT_SECONDS": "600", "LLM_TIMEOUT_SECONDS": "600",
        ]
        for (name, port) in ports { environment[name] = String(port) }
        environment.merge(extra) { _, new in new }
        let suite = SuiteProcesses(runDirectory: runDirectory, nginxURL: "http://127.0.0.1:\(ports["NGINX_PORT"]!)",
                                   ports: ports, environment: environment, jwtSecret: secret)
        do {
            try await ShellCommand.run("/bin/bash", [TestEnvironment.repositoryRoot() + "/scripts/daemons.sh", "start"],
                                       environment: environment)
        } catch {
            await suite.stop()
            throw error
        }
        return suite
    }

    func stop() async {
        _ = try? await ShellCommand.run("/bin/bash", [TestEnvironment.repositoryRoot() + "/scripts/daemons.sh", "stop"],
                                        environment: environment)
    }

    /// Pids the script recorded, to check that stop left nothing behind.
    func recordedPIDs() -> [Int32] {
        let directory = (runDirectory as NSString).appendingPathComponent("pids")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return files.compactMap { file in
            (try? String(contentsOfFile: (directory as NSString).appendingPathComponent(file), encoding: .utf8))
                .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }
}
