import Foundation

/// Where the real servers of a test run are. `make test` (scripts/test.sh) starts
/// Postgres, Redis and the local LLM on free ports and exports their URLs; a test that
/// needs one and does not find it fails with a message saying how to run it — never skips.
public enum TestEnvironment {
    public struct Missing: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: run the tests with `make test` (scripts/test.sh starts Postgres, Redis and the LLM server)"
        }
    }

    static func value(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(variable: name) }
        return value
    }

    /// A superuser URL of the test Postgres; tests create their own databases.
    public static func databaseURL() throws -> String { try value("TEST_DATABASE_URL") }
    public static func redisURL() throws -> String { try value("TEST_REDIS_URL") }
    /// Root URL of the llama.cpp server.
    public static func llmURL() throws -> String { try value("TEST_LLM_URL") }
    /// Where `swift build` put the daemons.
    public static func binDirectory() throws -> String { try value("PCS_BIN_DIR") }
    /// The python with the official clients installed (redis-py, …): scripts/clients.sh.
    public static func clientsPython() throws -> String { try value("PCS_CLIENTS_PYTHON") }

    /// The repository root: from the environment, else found from this file's location.
    public static func repositoryRoot() -> String {
        if let root = ProcessInfo.processInfo.environment["PCS_REPO_ROOT"], !root.isEmpty { return root }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// A key prefix unique to one test, so tests sharing a Redis never see each other's keys.
    public static func uniquePrefix(_ label: String = "t") -> String {
        "\(label)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}
