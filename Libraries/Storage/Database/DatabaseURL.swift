import Foundation
import PostgresNIO

/// Parses `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…`) into a
/// postgres-nio configuration. Errors name what is wrong but never echo the password.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { reason }
    }

    public static func configuration(from url: String) throws(Invalid) -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw Invalid(reason: "must be a postgres:// URL") }
        guard let host = components.host, !host.isEmpty else { throw Invalid(reason: "has no host") }
        guard let user = components.user, !user.isEmpty else { throw Invalid(reason: "has no user name") }
        let port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw Invalid(reason: "has an invalid port") }
        let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard !database.isEmpty else { throw Invalid(reason: "has no database name") }
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS
        switch sslMode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.clientDefault)
        case "require", "verify-ca", "verify-full": tls = .require(.clientDefault)
        default: throw Invalid(reason: "has an unknown sslmode \"\(sslMode)\"")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding, database: database, tls: tls)
        configuration.options.maximumConnections = 20
        return configuration
    }
}
