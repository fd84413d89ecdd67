import Foundation
import Logging
import PostgresNIO

/// A fresh database per test on the shared test Postgres, dropped afterwards, so tests can
/// run in parallel without seeing each other's rows.
public enum TestDatabase {
    /// Runs `body` with a running client on a new, empty database; `url` is that
    /// database's URL (for daemons started as processes).
    /// - Parameter serverURL: a superuser URL of a Postgres of the test's own (one it
    ///   restarts, say); the shared test Postgres by default.
    public static func with<T: Sendable>(
        serverURL: String? = nil, _ body: @Sendable (_ client: PostgresClient, _ url: String) async throws -> T
    ) async throws -> T {
        let adminURL = try serverURL ?? TestEnvironment.databaseURL()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try configuration(adminURL)
        _ = try await withClient(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"))
        }
        var components = URLComponents(string: adminURL)!
        components.path = "/\(name)"
        let url = components.string!
        do {
            let result = try await withClient(try configuration(url)) { client in try await body(client, url) }
            try? await dropDatabase(name, admin: admin)
            return result
        } catch {
            try? await dropDatabase(name, admin: admin)
            throw error
        }
    }

    /// Runs `body` while a PostgresClient for `configuration` is running.
    public static func withClient<T: Sendable>(
        _ configuration: PostgresClient.Configuration, _ body: @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: configuration)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await client.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    static func dropDatabase(_ name: String, admin: PostgresClient.Configuration) async throws {
        _ = try await withClient(admin) { client in
            try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    public static func configuration(_ url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, let user = components.user else {
            throw TestEnvironment.Missing(variable: "TEST_DATABASE_URL (malformed)")
        }
        return PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: String(components.path.dropFirst()), tls: .disable)
    }
}
