import Foundation
import PostgresNIO

/// Parses `DATABASE_URL` (`postgres://user:password@host:port/database?sslmode=…`) into a
/// postgres-nio configuration: a pooled client's, or a single connection's (for LISTEN,
/// which belongs to one session). Errors name what is wrong but never echo the password.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let reason: String
        public var description: String { reason }
    }

    public static func configuration(from url: String) throws(Invalid) -> PostgresClient.Configuration {
        let parts = try Parts(url)
        let tls: PostgresClient.Configuration.TLS = switch parts.tls {
        case .disable: .disable
        case .prefer: .prefer(.clientDefault)
        case .require: .require(.clientDefault)
        }
        var configuration = PostgresClient.Configuration(
            host: parts.host, port: parts.port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
        configuration.options.maximumConnections = 20
        return configuration
    }

    /// `applicationName` shows in `pg_stat_activity`, so an operator can tell the session apart.
    public static func connectionConfiguration(from url: String, applicationName: String? = nil) throws
        -> PostgresConnection.Configuration {
        let parts = try Parts(url)
        let tls: PostgresConnection.Configuration.TLS = switch parts.tls {
        case .disable: .disable
        case .prefer: .prefer(try .init(configuration: .clientDefault))
        case .require: .require(try .init(configuration: .clientDefault))
        }
        var configuration = PostgresConnection.Configuration(
            host: parts.host, port: parts.port, username: parts.user, password: parts.password, database: parts.database, tls: tls)
        if let applicationName { configuration.options.additionalStartupParameters.append(("application_name", applicationName)) }
        return configuration
    }

    private struct Parts {
        enum TLS { case disable, prefer, require }
        var host: String
        var port: Int
        var user: String
        var password: String?
        var database: String
        var tls: TLS

        init(_ url: String) throws(Invalid) {
            guard let components = URLComponents(string: url),
                  let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
            else { throw Invalid(reason: "must be a postgres:// URL") }
            guard let host = components.host, !host.isEmpty else { throw Invalid(reason: "has no host") }
            guard let user = components.user, !user.isEmpty else { throw Invalid(reason: "has no user name") }
            let port = components.port ?? 5432
            guard (1...65535).contains(port) else { throw Invalid(reason: "has an invalid port") }
            let database = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !database.isEmpty else { throw Invalid(reason: "has no database name") }
            switch components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            case let other: throw Invalid(reason: "has an unknown sslmode \"\(other)\"")
            }
            self.host = host
            self.port = port
            self.user = user.removingPercentEncoding ?? user
            self.password = components.password?.removingPercentEncoding
            self.database = database
        }
    }
}
