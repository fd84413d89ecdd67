import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

/// The six built daemons running as processes on free loopback ports, wired to each other
/// and to the test Postgres (a fresh database), Redis (a private key prefix) and LLM, in
/// dependency order, so that every one of them can be ready. Stopped by `with`'s end.
struct RunningSuite: Sendable {
    let ports: [String: Int]
    private let processes: [ManagedProcess]

    /// Starts the suite, runs `body`, stops the suite (also when `body` throws).
    static func with<T: Sendable>(_ body: @Sendable (RunningSuite) async throws -> T) async throws -> T {
        try await TestDatabase.with { _, databaseURL in
            let suite = try await start(databaseURL: databaseURL)
            do {
                let result = try await body(suite)
                await suite.stop()
                return result
            } catch {
                await suite.stop()
                throw error
            }
        }
    }

    func url(_ daemon: String, _ path: String) -> String {
        "http://127.0.0.1:\(ports[daemon]!)\(path)"
    }

    /// GET `path` on a daemon: the status and body.
    func get(_ daemon: String, _ path: String) async throws -> (status: Int, body: String) {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url(daemon, path)), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// Polls `path` until it answers 200 or `timeout` passes; the last answer either way. The
    /// patience is for llm-proxy: its probe of the local model waits behind the generations
    /// other suites have queued there.
    func getUntilOK(_ daemon: String, _ path: String, timeout: Duration = .seconds(180)) async throws -> (status: Int, body: String) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await get(daemon, path)
            if answer.status == 200 || ContinuousClock.now >= deadline { return answer }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private static func start(databaseURL: String) async throws -> RunningSuite {
        let order = ["llm-proxy", "cards-api", "realtime", "gateway", "queue-worker", "healthd"]
        let ports = Dictionary(uniqueKeysWithValues: try order.map { ($0, try FreePort.next()) })
        let local = { (name: String) in "http://127.0.0.1:\(ports[name]!)" }
        let shared: [String: String] = [
            "HOST": "127.0.0.1", "LOG_LEVEL": "warning",
            "DATABASE_URL": databaseURL, "REDIS_URL": try TestEnvironment.redisURL(),
            "REDIS_KEY_PREFIX": TestEnvironment.uniquePrefix("deploy"),
            "JWT_SECRET": "deployment-tests-" + UUID().uuidString + UUID().uuidString,
            "LOCAL_LLM_URL": try TestEnvironment.llmURL(), "BCRYPT_COST": "4",
            "GATEWAY_URL": local("gateway"), "CARDS_API_URL": local("cards-api"), "REALTIME_URL": local("realtime"),
            "QUEUE_WORKER_URL": local("queue-worker"), "LLM_PROXY_URL": local("llm-proxy"),
            "PROBE_INTERVAL_MS": "300",
        ]
        let logs = try Repository.scratchDirectory("deploy-suite")
        var started: [ManagedProcess] = []
        do {
            for name in order {
                let daemon = Daemon.named(name)!
                let process = try await ManagedProcess.launch(
                    executable: try daemon.binaryPath(), arguments: [],
                    environment: shared.merging(["PORT": String(ports[name]!)]) { _, new in new },
                    logFile: "\(logs)/\(name).log")
                started.append(process)
                try await process.waitForPort(ports[name]!, timeout: .seconds(30))
            }
        } catch {
            for process in started { await process.terminate() }
            throw error
        }
        return RunningSuite(ports: ports, processes: started)
    }

    private func stop() async {
        for process in processes.reversed() { await process.terminate(timeout: .seconds(10)) }
    }
}
