import Logging
import ServiceKit
import Testing

@Suite struct EnvironmentReaderTests {
    @Test func requiredValuesMustBePresentAndNotBlank() {
        #expect(throws: ConfigError(variable: "DATABASE_URL", reason: "is required but not set")) {
            try EnvironmentReader(["DATABASE_URL": "  "]).required("DATABASE_URL")
        }
    }

    @Test(arguments: [("8080", 8080), ("0", 0)])
    func integersInRangeAreAccepted(raw: String, expected: Int) throws {
        #expect(try EnvironmentReader(["PORT": raw]).int("PORT", default: 1, range: 0...65535) == expected)
    }

    @Test(arguments: ["eighty", "70000", "-1", "1.5"])
    func badIntegersAreRefusedWithTheVariableNamed(raw: String) {
        #expect {
            try EnvironmentReader(["PORT": raw]).int("PORT", default: 1, range: 0...65535)
        } throws: { error in
            (error as? ConfigError)?.variable == "PORT"
        }
    }

    @Test func secretsAreCheckedForLengthWithoutEchoingThem() {
        #expect {
            try EnvironmentReader(["JWT_SECRET": "short-secret-value"]).secret("JWT_SECRET", minimumLength: 32)
        } throws: { error in
            let text = String(describing: error)
            return text.contains("JWT_SECRET") && text.contains("32") && !text.contains("short-secret-value")
        }
    }

    @Test(arguments: [("http://cards:8101/", "http://cards:8101"), ("https://x.example/api", "https://x.example/api")])
    func urlsAreNormalised(raw: String, expected: String) throws {
        #expect(try EnvironmentReader(["U": raw]).httpURL("U") == expected)
    }

    @Test(arguments: ["cards:8101", "ftp://x", "http://", "not a url"])
    func nonHTTPURLsAreRefused(raw: String) {
        #expect(throws: ConfigError.self) { try EnvironmentReader(["U": raw]).httpURL("U") }
    }

    @Test func logLevelsParseCaseInsensitivelyAndRejectUnknownNames() throws {
        #expect(try EnvironmentReader(["LOG_LEVEL": "DEBUG"]).logLevel() == .debug)
        #expect(try EnvironmentReader([:]).logLevel() == .info)
        #expect(throws: ConfigError.self) { try EnvironmentReader(["LOG_LEVEL": "loud"]).logLevel() }
    }

    @Test func serverConfigDefaultsToAllInterfacesAndTheDaemonsPort() throws {
        let config = try ServerConfig(EnvironmentReader([:]), defaultPort: 8101)
        #expect(config.host == "0.0.0.0" && config.port == 8101 && config.logLevel == .info)
    }
}
