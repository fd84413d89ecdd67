import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A throw-away `redis-server` for one test: loopback only, own port, own temp directory,
/// no persistence unless asked for (`persistent`: an AOF fsynced on every write, as a
/// production Redis that must not lose jobs runs). Stopped (and its directory removed)
/// when the object goes away.
public final class RedisServer: Sendable {
    /// The TCP port it listens on; kept across `restart()`.
    public let port: Int
    /// Its working directory (and log: `redis.log` inside).
    public let directory: String
    private let executable: String
    /// Whether it keeps its data in an append-only file, across `restart()`.
    public let persistent: Bool
    private let process: Mutex<ManagedProcess?>

    /// `redis://127.0.0.1:<port>/0`, ready for `RedisConfiguration(url:)`.
    public var url: String { "redis://127.0.0.1:\(port)/0" }

    private init(port: Int, directory: String, executable: String, persistent: Bool, process: ManagedProcess) {
        self.port = port
        self.directory = directory
        self.executable = executable
        self.persistent = persistent
        self.process = Mutex(process)
    }

    deinit {
        // ManagedProcess kills the child when released; then the scratch directory can go.
        process.withLock { $0 = nil }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts a server on a free port and returns once it accepts connections.
    public static func start(persistent: Bool = false) async throws -> RedisServer {
        let executable = try locateExecutable()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pcs-redis-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)

        // A free port can be taken by someone else before redis binds it: try a few.
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try FreePort.next()
            do {
                let process = try await launch(executable: executable, port: port, directory: directory, persistent: persistent)
                return RedisServer(port: port, directory: directory, executable: executable, persistent: persistent,
                                   process: process)
            } catch {
                lastError = error
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
        throw lastError ?? RedisServerError("redis-server did not start")
    }

    /// True while the server process is alive.
    public var isRunning: Bool {
        process.withLock { $0?.isRunning ?? false }
    }

    /// Shuts the server down (SIGTERM, then SIGKILL after 5 s); no-op if already stopped.
    public func stop() async {
        let running = process.withLock { process -> ManagedProcess? in
            defer { process = nil }
            return process
        }
        await running?.terminate(timeout: .seconds(5))
    }

    /// Stops the server and starts a new one on the same port, returning once it accepts
    /// connections again: with its data when `persistent` (read back from the AOF), else empty.
    public func restart() async throws {
        await stop()
        // The port was just released; retry briefly in case the kernel still holds it.
        var lastError: (any Error)?
        for attempt in 0..<20 {
            if attempt > 0 { try await Task.sleep(for: .milliseconds(100)) }
            do {
                let started = try await Self.launch(executable: executable, port: port, directory: directory,
                                                    persistent: persistent)
                process.withLock { $0 = started }
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? RedisServerError("redis-server did not restart on port \(port)")
    }

    private static func launch(executable: String, port: Int, directory: String, persistent: Bool) async throws -> ManagedProcess {
        let persistence = persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
        let process = try await ManagedProcess.launch(
            executable: executable,
            arguments: ["--save", ""] + persistence + [
                "--dir", directory, "--port", String(port), "--bind", "127.0.0.1", "--daemonize", "no",
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

    /// `$REDIS_SERVER`, else `redis-server` on PATH or in the usual Debian/Homebrew places.
    private static func locateExecutable() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let explicit = environment["REDIS_SERVER"], FileManager.default.isExecutableFile(atPath: explicit) {
            return explicit
        }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for folder in path + ["/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"] {
            let candidate = folder + "/redis-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw RedisServerError("redis-server not found: run scripts/bootstrap.sh")
    }
}

/// A test Redis server could not be provided.
public struct RedisServerError: Error, CustomStringConvertible {
    /// What went wrong and what to do about it.
    public let description: String

    init(_ description: String) { self.description = description }
}
