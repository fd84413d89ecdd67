import Foundation
import Logging
import PostgresNIO
import ServiceKit
import Storage

/// `cards-api admin grant|revoke EMAIL`: the operator's way to give or take the admin role
/// (an admin sees every user's data). It needs only `DATABASE_URL`, applies pending
/// migrations first, prints one line and exits 0 (done), 1 (no such account), 64 (usage)
/// or 78 (configuration).
public enum AdminCommand {
    public static let usage = "usage: cards-api admin grant|revoke EMAIL"

    /// Whether the arguments (without the program name) ask for this command.
    public static func matches(_ arguments: [String]) -> Bool { arguments.first == "admin" }

    public static func run(_ arguments: [String], environment: EnvironmentReader = EnvironmentReader()) async -> Int32 {
        guard arguments.count == 3, let role = ["grant": "admin", "revoke": "user"][arguments[1]] else {
            FileHandle.standardError.write(Data("\(usage)\n".utf8))
            return 64
        }
        let email = arguments[2]
        let database: PostgresClient.Configuration
        do {
            database = try environment.parsed("DATABASE_URL", DatabaseURL.configuration)
        } catch {
            FileHandle.standardError.write(Data("cards-api admin: configuration error: \(error)\n".utf8))
            return 78
        }
        var logger = Logger(label: "cards-api-admin")
        logger.logLevel = .error
        let client = PostgresClient(configuration: database, backgroundLogger: logger)
        do {
            let changed = try await withThrowingTaskGroup(of: Bool?.self) { group in
                group.addTask {
                    await client.run()
                    return nil
                }
                defer { group.cancelAll() }
                try await Migrator(client: client, logger: logger).migrate()
                return try await PostgresUserRepository(client: client, logger: logger).setRole(role, email: email)
            }
            guard changed == true else {
                FileHandle.standardError.write(Data("cards-api admin: no account has the email \(email)\n".utf8))
                return 1
            }
            print("\(email) is now \(role == "admin" ? "an admin" : "a user")")
            return 0
        } catch {
            FileHandle.standardError.write(Data("cards-api admin: \(String(reflecting: error))\n".utf8))
            return 1
        }
    }
}
