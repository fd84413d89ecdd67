import Foundation

/// A Postgres cluster of one test's own (scripts/postgres.sh, as the suite and `make up` run
/// it), for a test that stops and restarts it; the shared test Postgres must stay up for
/// the tests beside it. Its folder is under the run's scratch folder, so `make test`
/// cleans up after a test that failed before `stop()`.
public struct PostgresServer: Sendable {
    public let directory: String
    public let port: Int
    /// The superuser URL of its database `pcs`.
    public let url: String

    public struct Failed: Error, CustomStringConvertible {
        public let description: String
    }

    public static func start() async throws -> PostgresServer {
        let base = ProcessInfo.processInfo.environment["PCS_TEST_DIR"] ?? NSTemporaryDirectory()
        let directory = (base as NSString).appendingPathComponent("pg-\(UUID().uuidString.prefix(8))")
        let port = try FreePort.next()
        let output = try await script("start", directory, String(port))
        guard let url = output.split(separator: "\n").last(where: { $0.hasPrefix("postgres://") }) else {
            throw Failed(description: "postgres.sh start printed no URL:\n\(output)")
        }
        return PostgresServer(directory: directory, port: port, url: String(url))
    }

    /// A fast shutdown: connections are cut, the cluster's data stays.
    public func stop() async throws {
        _ = try await Self.script("stop", directory, String(port))
    }

    /// Starts it again on the same port, with its data.
    public func start() async throws {
        _ = try await Self.script("start", directory, String(port))
    }

    /// Stops it and removes its folder.
    public func remove() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func script(_ arguments: String...) async throws -> String {
        try await ShellCommand.run("/bin/bash", [TestEnvironment.repositoryRoot() + "/scripts/postgres.sh"] + arguments,
                                   environment: ["POSTGRES_FAST": "1"])
    }
}
