import Foundation
import RedisClient
import Synchronization
import TestSupport

/// A private redis-server configured like production's (compose and k8s): a password, the
/// append-only file on, data in its own folder. It can be stopped and started again on the
/// same folder and port, which is how a restored snapshot gets loaded.
final class ProductionLikeRedis: Sendable {
    let port: Int
    let password: String
    let directory: String
    private let process: ManagedProcessBox

    private init(port: Int, password: String, directory: String, process: ManagedProcess) {
        self.port = port
        self.password = password
        self.directory = directory
        self.process = ManagedProcessBox(process)
    }

    /// A client that authenticates with the password.
    func client() throws -> RedisClient {
        let escaped = password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? password
        return RedisClient(configuration: try RedisConfiguration(url: "redis://:\(escaped)@127.0.0.1:\(port)/0"))
    }

    /// Starts a server with an empty folder on a free port.
    static func start(password: String) async throws -> ProductionLikeRedis {
        let directory = try Repository.scratchDirectory("redis-dr")
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try FreePort.next()
            do {
                let process = try await launch(port: port, password: password, directory: directory)
                return ProductionLikeRedis(port: port, password: password, directory: directory, process: process)
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// Shuts the server down with SIGTERM (Redis flushes its append-only file and exits)
    /// and waits for it to exit.
    func stop() async {
        await process.take()?.terminate(timeout: .seconds(10))
    }

    /// Starts the server again on the same folder and port (loading what the folder holds).
    func startAgain() async throws {
        var lastError: (any Error)?
        for attempt in 0..<20 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100)) }
            do {
                process.put(try await Self.launch(port: port, password: password, directory: directory))
                try await waitUntilLoaded()
                return
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    /// Waits until the server answers PING: listening, it may still be loading its
    /// append-only file and answer every command with LOADING for a while.
    private func waitUntilLoaded() async throws {
        let client = try client()
        defer { Task { await client.shutdown() } }
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            do {
                _ = try await client.send(["PING"])
                return
            } catch let error where "\(error)".contains("LOADING") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    private static func launch(port: Int, password: String, directory: String) async throws -> ManagedProcess {
        let process = try await ManagedProcess.launch(
            executable: "/usr/bin/redis-server",
            arguments: [
                "--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--daemonize", "no",
                "--requirepass", password, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
            ],
            logFile: directory + "/redis.log")
        do {
            try await process.waitForPort(port, timeout: .seconds(10))
        } catch {
            await process.terminate(timeout: .seconds(2))
            throw error
        }
        return process
    }
}

/// The one running server process, swapped when the server restarts.
private final class ManagedProcessBox: Sendable {
    private let slot: Mutex<ManagedProcess?>

    init(_ process: ManagedProcess) { slot = Mutex(process) }

    func take() -> ManagedProcess? { slot.withLock { value in defer { value = nil }; return value } }
    func put(_ process: ManagedProcess) { slot.withLock { $0 = process } }
}
