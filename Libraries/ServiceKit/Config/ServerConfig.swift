import Logging

/// What every daemon reads the same way: where to listen and how much to log.
public struct ServerConfig: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var logLevel: Logger.Level

    public init(host: String = "127.0.0.1", port: Int, logLevel: Logger.Level = .info) {
        self.host = host
        self.port = port
        self.logLevel = logLevel
    }

    /// Reads `HOST` (default 0.0.0.0, as containers want), `PORT` and `LOG_LEVEL`.
    public init(_ env: EnvironmentReader, defaultPort: Int) throws(ConfigError) {
        self.host = env.string("HOST", default: "0.0.0.0")
        self.port = try env.int("PORT", default: defaultPort, range: 0...65535)
        self.logLevel = try env.logLevel()
    }
}
